import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// An in-memory `IdentityStoring`: identities and profiles, counting calls.
final class InMemoryIdentityStore: IdentityStoring {
    struct State {
        var identities: [String: String] = [:]
        var profiles: [String: CustomerProfile] = [:]
        var calls = 0
    }

    let state = Mutex(State())

    func customerIds(identityKeys: [String]) async throws -> [String: String] {
        state.withLock { state in
            state.calls += 1
            return state.identities.filter { identityKeys.contains($0.key) }
        }
    }

    func profiles(tenantIds: [String], phones: [String], emails: [String]) async throws -> [CustomerProfile] {
        state.withLock { state in
            state.calls += 1
            return state.profiles.values.filter { profile in
                tenantIds.contains(profile.tenantId)
                    && (profile.phones.contains(where: phones.contains)
                        || profile.emails.contains(where: emails.contains))
            }
        }
    }

    func claim(_ claims: [IdentityClaim]) async throws -> Set<String> {
        state.withLock { state in
            state.calls += 1
            var taken: Set<String> = []
            for claim in claims {
                if state.identities[claim.key] != nil {
                    taken.insert(claim.key)
                } else {
                    state.identities[claim.key] = claim.customerId
                }
            }
            return taken
        }
    }

    func save(created: [CustomerProfile], changed: [CustomerProfile]) async throws {
        state.withLock { state in
            state.calls += 1
            for profile in created where state.profiles[profile.id] == nil { state.profiles[profile.id] = profile }
            for profile in changed { state.profiles[profile.id] = profile }
        }
    }

    func recordInbound(_ marks: [InboundMark]) async throws {
        state.withLock { state in
            state.calls += 1
            for mark in marks where state.profiles[mark.customerId] != nil {
                let known = state.profiles[mark.customerId]!.lastInboundAt[mark.channel] ?? .distantPast
                state.profiles[mark.customerId]!.lastInboundAt[mark.channel] = max(known, mark.at)
            }
        }
    }

    func resolve(
        _ inbound: InboundIdentity, tenantId: String, now: Date, newCustomerId: String
    ) async throws -> IdentityDecision {
        let key = ProfileStore.identityKey(tenantId: tenantId, identity: inbound.identity)
        let id = state.withLock { $0.identities[key] } ?? newCustomerId
        let profile = state.withLock { $0.profiles[id] }
        return .existing(profile: try #require(profile), matchedBy: .identity, changed: false)
    }
}

@Suite("customer-identification over an in-memory store")
struct IdentificationBatchTests {
    let logger = TestStack.logger("identification-batch")
    let topics = TopicNames(prefix: "unit.")

    func batch(_ envelopes: [Envelope]) -> StageBatch {
        StageBatch(envelopes: envelopes, topic: topics.inbound, generation: 1, topics: topics, logger: logger)
    }

    func customers(_ results: [StageResult]) -> [String?] {
        results.map { result in
            guard case .produced(let outputs) = result, case .envelope(let envelope, _)? = outputs.first else {
                return nil
            }
            return envelope.customerId
        }
    }

    @Test func newIdentitiesInOneBatchMergeByPhoneAndAKnownCustomerCostsNoCall() async throws {
        let environment = try await StageTestEnvironment.inMemory()
        let store = InMemoryIdentityStore()
        let handler = IdentificationHandler(profiles: store, environment: environment)
        let first = try await handler.handle(
            batch([
                inbound("hi", from: "+49 170 1234567", channel: .sms),
                inbound("hello", from: "web-7"),
                inbound("also me", from: "+491701234567", channel: .whatsapp),
                inbound("again", from: "+491701234567", channel: .sms),
            ]))
        let ids = customers(first)
        #expect(ids.allSatisfy { $0 != nil })
        #expect(ids[0] == ids[2], "the same phone on SMS and WhatsApp is one customer")
        #expect(ids[0] == ids[3])
        #expect(ids[0] != ids[1])
        #expect(store.state.withLock { $0.profiles.count } == 2)
        #expect(store.state.withLock { $0.profiles[ids[0]!]?.identities.count } == 2)
        #expect(store.state.withLock { $0.identities.count } == 3)

        // Known customers now: identified from the cache, without a single call to the store.
        let calls = store.state.withLock { $0.calls }
        let again = try await handler.handle(
            batch([inbound("more", from: "web-7"), inbound("x", from: "+491701234567", channel: .sms)]))
        #expect(customers(again) == [ids[1], ids[0]])
        #expect(store.state.withLock { $0.calls } == calls)

        // An unknown tenant is rejected, the rest of the batch goes on.
        let mixed = try await handler.handle(batch([inbound("hi", tenant: "nobody"), inbound("hey", from: "web-7")]))
        guard case .rejected(let reason) = mixed[0] else {
            Issue.record("expected a rejection, got \(mixed[0])")
            return
        }
        #expect(reason.contains("unknown tenant"))
        #expect(customers(mixed)[1] == ids[1])
    }
}
