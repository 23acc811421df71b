import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

@Suite("the notifications collection against the local database")
struct NotificationStoreTests {
    @Test("inserted once; claims only after they run out; finished targets recorded once; done ones not re-driven")
    func lifecycle() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let store = test.database.notifications
        // Now, in whole seconds: a fixed date in the past would be older than the collection's 30-day TTL, and
        // the server's TTL sweep could delete the notification in the middle of the test.
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let record = HandoverRecord(
            id: UUID().uuidString.lowercased(), tenantId: "demo", sessionId: "s", customerId: "c",
            reason: .lowConfidence, createdAt: start)
        let notification = HandoverNotification(
            event: .handoverStarted, handover: record, channel: "webchat", occurredAt: start, deskURL: nil)

        #expect(try await store.insertIfNew(notification, claimedUntil: start.addingTimeInterval(60)))
        #expect(try await !store.insertIfNew(notification, claimedUntil: start))
        #expect(try await store.unclaimed(at: start.addingTimeInterval(59), limit: 10).isEmpty, "still claimed")
        #expect(try await !store.claim(id: notification.id, at: start.addingTimeInterval(59), until: start))

        let later = start.addingTimeInterval(61)
        let due = try await store.unclaimed(at: later, limit: 10)
        #expect(due.map(\.notification) == [notification])
        #expect(try await store.claim(id: notification.id, at: later, until: later.addingTimeInterval(60)))
        #expect(try await !store.claim(id: notification.id, at: later, until: later.addingTimeInterval(60)))

        try await store.finishTarget(id: notification.id, target: "c")
        try await store.finishTarget(id: notification.id, target: "c")
        try await store.finishTarget(id: notification.id, target: "a")
        try await store.extendClaim(id: notification.id, until: later)
        #expect(try await store.unclaimed(at: later, limit: 10).first?.finishedTargets == ["a", "c"])

        try await store.finish(id: notification.id)
        #expect(try await store.unclaimed(at: later.addingTimeInterval(3600), limit: 10).isEmpty)
        #expect(try await !store.claim(id: notification.id, at: later.addingTimeInterval(3600), until: later))
    }
}
