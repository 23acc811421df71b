import Foundation
import SwitchboardStages
import Testing

/// The message store as the outbound fence's ledger: its conditional writes, against the real database.
@Suite("the message store's part claims against the local database")
struct OutboundPartLedgerStoreTests {
    @Test("claim, renew, record and release each change a part only in the state they name")
    func conditionalWrites() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let message = inbound("a reply", from: "ledger-\(UUID().uuidString.prefix(6))")
        try await test.database.messages.insertIfNew(.init(message, status: "received", at: message.receivedAt))
        let ledger: any OutboundPartLedger = test.database.messages
        let at = Date(timeIntervalSince1970: 1_800_000_000)

        #expect(try await ledger.claimPart(id: message.id, index: 0, instance: "a", at: at))
        #expect(try await !ledger.claimPart(id: message.id, index: 0, instance: "b", at: at), "claimed already")
        #expect(try await ledger.claimPart(id: message.id, index: 1, instance: "b", at: at), "another part")
        #expect(try await !ledger.renewClaim(id: message.id, index: 0, instance: "b", at: at), "not b's claim")
        let later = at.addingTimeInterval(30)
        #expect(try await ledger.renewClaim(id: message.id, index: 0, instance: "a", at: later))
        #expect(
            try await ledger.partState(id: message.id, index: 0) == OutboundPartState(claimedBy: "a", claimedAt: later))

        try await ledger.releasePart(id: message.id, index: 1, instance: "a")
        #expect(try await ledger.partState(id: message.id, index: 1).claimedBy == "b", "a cannot release b's claim")
        try await ledger.releasePart(id: message.id, index: 1, instance: "b")
        #expect(try await ledger.partState(id: message.id, index: 1) == OutboundPartState())

        try await ledger.recordSentPart(id: message.id, index: 0, providerMessageId: "wamid.1")
        #expect(try await ledger.partState(id: message.id, index: 0) == OutboundPartState(sentAs: "wamid.1"))
        #expect(try await !ledger.renewClaim(id: message.id, index: 0, instance: "a", at: later), "sent already")
        #expect(try await !ledger.claimPart(id: message.id, index: 0, instance: "a", at: later), "sent already")
        #expect(try await !ledger.claimPart(id: UUID(), index: 0, instance: "a", at: at), "no such message")
    }
}
