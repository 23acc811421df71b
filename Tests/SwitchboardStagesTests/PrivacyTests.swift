import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// Erasures as the stages see them: which records in flight are dropped, and what a later message gets.
@Suite("Erased customers' records in flight")
struct PrivacyTests {
    let logger = TestStack.logger("privacy")
    let topics = TopicNames(prefix: "unit.")
    let erasedAt = Date(timeIntervalSince1970: 1_800_000_000)

    final class Erasures: ErasureSource {
        let list = Mutex<[Erasure]>([])
        func erasures() async throws -> [Erasure] { list.withLock { $0 } }
    }

    func erasure(of customer: String, address: String, channel: Channel = .webchat) -> Erasure {
        Erasure(
            tenantId: "demo", customerId: customer,
            identityDigests: [Erasure.identityDigest(tenantId: "demo", channel: channel, externalId: address)],
            erasedAt: erasedAt)
    }

    @Test func theFenceDropsTheErasedIdForGoodAndTheAddressOnlyBeforeTheErasure() {
        let fence = ErasureFence([erasure(of: "customer-ann", address: "ann")])
        var identified = inbound("hi", from: "someone", at: erasedAt.addingTimeInterval(3600))
        identified.customerId = "customer-ann"
        #expect(fence.drops(identified), "the erased id, whenever it arrives")
        identified.customerId = "customer-bob"
        #expect(!fence.drops(identified))

        #expect(fence.drops(inbound("hi", from: "ann", at: erasedAt.addingTimeInterval(-1))))
        #expect(fence.drops(inbound("hi", from: "ann", at: erasedAt)))
        #expect(!fence.drops(inbound("hi", from: "ann", at: erasedAt.addingTimeInterval(1))), "a new profile")
        #expect(!fence.drops(inbound("hi", from: "ann", channel: .sms, at: erasedAt.addingTimeInterval(-1))))
        #expect(!fence.drops(inbound("hi", from: "ann", tenant: "night", at: erasedAt.addingTimeInterval(-1))))
        var otherTenant = identified
        otherTenant.customerId = "customer-ann"
        otherTenant.tenantId = "night"
        #expect(!fence.drops(otherTenant), "an erasure is per tenant")
    }

    @Test func theIdentityDigestIsTheDigestOfTheStoredIdentityKey() {
        let key = ProfileStore.identityKey(
            tenantId: "demo", identity: ChannelIdentity(channel: .whatsapp, externalId: "+31612345678"))
        #expect(
            Erasure.identityDigest(key: key)
                == Erasure.identityDigest(tenantId: "demo", channel: .whatsapp, externalId: "+31612345678"))
        #expect(Erasure.identityDigest(key: key).count == 64)
    }

    @Test func identificationDropsTheAddressesRecordsInFlightAndGivesALaterMessageANewCustomer() async throws {
        let environment = try await StageTestEnvironment.inMemory()
        let store = InMemoryIdentityStore()
        let identification = IdentificationHandler(profiles: store, environment: environment)
        let erasures = Erasures()
        let handler = DropErased(
            identification, erasures: erasures, onNewErasures: { identification.erased($0) })
        func batch(_ envelopes: [Envelope]) -> StageBatch {
            StageBatch(envelopes: envelopes, topic: topics.inbound, generation: 1, topics: topics, logger: logger)
        }
        func customer(_ result: StageResult) -> String? {
            guard case .produced(let outputs) = result, case .envelope(let envelope, _)? = outputs.first else {
                return nil
            }
            return envelope.customerId
        }

        let first = try await handler.handle(batch([inbound("hi", from: "ann", at: erasedAt.addingTimeInterval(-60))]))
        let ann = try #require(customer(first[0]))

        // The erasure: recorded, and the customer's identities and profile deleted.
        erasures.list.withLock { $0 = [erasure(of: ann, address: "ann")] }
        store.state.withLock { state in
            state.identities = state.identities.filter { $0.value != ann }
            state.profiles[ann] = nil
        }
        let results = try await handler.handle(
            batch([
                inbound("sent before the erasure", from: "ann", at: erasedAt.addingTimeInterval(-1)),
                inbound("from someone else", from: "bob", at: erasedAt.addingTimeInterval(-1)),
                inbound("sent after it", from: "ann", at: erasedAt.addingTimeInterval(1)),
            ]))
        guard case .produced(let dropped) = results[0] else {
            Issue.record("expected the record in flight dropped, got \(results[0])")
            return
        }
        #expect(dropped.isEmpty)
        #expect(customer(results[1]) != nil)
        let later = try #require(customer(results[2]))
        #expect(later != ann, "a later message from the same address starts a new profile")
    }

    @Test func droppedItemsKeepTheirPlaceAmongTheHandlersResults() async throws {
        struct Echo: StageHandler {
            func handle(_ batch: StageBatch) async throws -> [StageResult] {
                batch.items.map { .rejected($0.envelope.externalId) }
            }
        }
        let erasures = Erasures()
        erasures.list.withLock { $0 = [erasure(of: "customer-x", address: "x")] }
        let handler = DropErased(Echo(), erasures: erasures)
        let results = try await handler.handle(
            StageBatch(
                envelopes: ["a", "x", "b", "x", "c"].map { inbound("m", from: $0, at: erasedAt) },
                topic: topics.inbound, generation: 1, topics: topics, logger: logger))
        let shown = results.map { result -> String in
            switch result {
            case .rejected(let reason): reason
            case .produced(let outputs): outputs.isEmpty ? "dropped" : "produced"
            case .failed: "failed"
            }
        }
        #expect(shown == ["a", "dropped", "b", "dropped", "c"])
    }

    @Test func aDrainIsCompleteOnlyOnceEveryGroupCommittedPastTheEarlierHighWatermarks() {
        let inbound = TopicPartition(topic: "inbound", partition: 0)
        let outbound = TopicPartition(topic: "outbound", partition: 1)
        let then: [[TopicPartition: PartitionProgress]] = [
            [inbound: PartitionProgress(done: 3, high: 5)], [outbound: PartitionProgress(done: 0, high: 2)],
        ]
        #expect(
            !InFlightDrain.isDrained(
                since: then,
                now: [[inbound: PartitionProgress(done: 5, high: 9)], [outbound: PartitionProgress(done: 1, high: 2)]]))
        #expect(
            InFlightDrain.isDrained(
                since: then,
                now: [[inbound: PartitionProgress(done: 5, high: 9)], [outbound: PartitionProgress(done: 2, high: 4)]]))
        #expect(!InFlightDrain.isDrained(since: then, now: [[:], [outbound: PartitionProgress(done: 2, high: 2)]]))
    }

    @Test func retentionDaysAreParsedAndChecked() throws {
        let parsed = try TenantDirectory(
            parsing: """
                tenants:
                  - id: acme
                    privacy:
                      retention_days: 30
                  - id: keeper
                """)
        #expect(parsed.tenant(id: "acme")?.privacy.retentionDays == 30)
        #expect(parsed.tenant(id: "keeper")?.privacy.retentionDays == nil)
        #expect(throws: TenantConfigurationError.self) {
            try TenantDirectory(parsing: "tenants:\n  - id: acme\n    privacy:\n      retention_days: 0\n")
        }
    }
}
