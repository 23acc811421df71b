import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// An in-memory `SessionStoring`: sessions, stored messages and human owners, counting calls.
final class InMemorySessionStore: SessionStoring {
    struct State {
        var sessions: [String: SessionRecord] = [:]
        var messages: [String: MessageStore.StoredMessage] = [:]
        var owners: [String: SessionOwner] = [:]
        var surveys: [String: CSATSurvey] = [:]
        var surveyReads = 0
        var reads = 0
    }

    let state = Mutex(State())

    func openSessions(customerIds: [String]) async throws -> [SessionRecord] {
        state.withLock { state in
            state.reads += 1
            return state.sessions.values.filter { customerIds.contains($0.customerId) && $0.status == .open }
        }
    }

    func placements(messageIds: [String]) async throws -> [String: MessagePlacement] {
        state.withLock { state in
            state.reads += 1
            var found: [String: MessagePlacement] = [:]
            for id in messageIds {
                if let message = state.messages[id], let session = message.session_id {
                    found[id] = MessagePlacement(
                        sessionId: session, sequence: message.sequence, events: message.session_events ?? [])
                }
            }
            return found
        }
    }

    func lastPlaced(sessions: [SessionRecord]) async throws -> [String: MessagePlacement.Latest] {
        let sessionIds = sessions.map(\.id)
        return state.withLock { state in
            state.reads += 1
            var latest: [String: MessagePlacement.Latest] = [:]
            for message in state.messages.values where message.direction == "inbound" {
                guard let session = message.session_id, sessionIds.contains(session), let sequence = message.sequence
                else { continue }
                let last = latest[session]
                latest[session] = MessagePlacement.Latest(
                    sequence: max(sequence, last?.sequence ?? sequence),
                    at: max(message.created_at, last?.at ?? .distantPast))
            }
            return latest
        }
    }

    func humanOwners(sessionIds: [String]) async throws -> [String: SessionOwner] {
        state.withLock { state in state.owners.filter { sessionIds.contains($0.key) } }
    }

    func apply(_ writes: SessionWrites) async throws -> Bool {
        state.withLock { state in
            for session in writes.created where state.sessions[session.id] == nil {
                state.sessions[session.id] = session
            }
            for session in writes.advanced {
                guard var stored = state.sessions[session.id], stored.status == .open else { return false }
                stored.nextSequence = max(stored.nextSequence, session.nextSequence)
                stored.lastActivityAt = max(stored.lastActivityAt, session.lastActivityAt)
                state.sessions[session.id] = stored
            }
            for id in writes.expired { state.sessions[id]?.status = .expired }
            return true
        }
    }

    func pendingSurveys(keys: [String]) async throws -> [String: CSATSurvey] {
        state.withLock { state in
            state.surveyReads += 1
            return state.surveys.filter { keys.contains($0.key) }
        }
    }

    func takeSurveys(_ answers: [String: String]) async throws {
        state.withLock { state in
            for (key, messageId) in answers where state.surveys[key]?.answerMessageId == nil {
                state.surveys[key]?.answerMessageId = messageId
            }
        }
    }

    func insertMessages(_ messages: [MessageStore.StoredMessage]) async throws -> [Int] {
        state.withLock { state in
            var duplicates: [Int] = []
            for (index, message) in messages.enumerated() {
                if state.messages[message._id] != nil {
                    duplicates.append(index)
                } else {
                    state.messages[message._id] = message
                }
            }
            return duplicates
        }
    }
}

@Suite("Session stage over an in-memory store")
struct SessionBatchTests {
    let logger = TestStack.logger("session-batch")
    let topics = TopicNames(prefix: "unit.")

    func batch(_ envelopes: [Envelope], generation: Int = 1) -> StageBatch {
        StageBatch(
            envelopes: envelopes, topic: topics.identified, generation: generation, topics: topics, logger: logger)
    }

    func message(_ text: String, customer: String, at seconds: TimeInterval) -> Envelope {
        var envelope = inbound(text, from: customer, at: Date(timeIntervalSince1970: 1_800_000_000 + seconds))
        envelope.customerId = customer
        return envelope
    }

    func events(_ results: [StageResult]) -> [SwitchboardEvent] {
        results.flatMap { result -> [SwitchboardEvent] in
            guard case .produced(let outputs) = result else { return [] }
            return outputs.compactMap { if case .event(let event, _, _) = $0 { event } else { nil } }
        }
    }

    @Test("a redelivered message emits the session events it raised again, with the same ids")
    func redeliveryReemitsSessionEvents() async throws {
        let environment = try await StageTestEnvironment.inMemory(idleTimeoutSeconds: 60)
        let store = InMemorySessionStore()
        let handler = SessionHandler(store: store, environment: environment)
        let messages = [message("a1", customer: "a", at: 0), message("a2", customer: "a", at: 100)]
        let first = events(try await handler.handle(batch(messages)))
        #expect(first.map(\.type) == [.sessionStarted, .sessionExpired, .sessionStarted])
        // After a crash before the commit, in a new assignment: the same events, not none.
        let again = events(try await handler.handle(batch(messages, generation: 2)))
        #expect(again == first)
        // Only the message that starts a session carries events.
        let third = events(try await handler.handle(batch([message("a3", customer: "a", at: 110)], generation: 2)))
        #expect(third.isEmpty)
    }

    func sessioned(_ results: [StageResult]) -> [Envelope] {
        results.flatMap { result -> [Envelope] in
            guard case .produced(let outputs) = result else { return [] }
            return outputs.compactMap { if case .envelope(let envelope, _) = $0 { envelope } else { nil } }
        }
    }

    @Test func aBatchNumbersEachCustomersMessagesAcrossTheIdleTimeoutAndARedeliveryChangesNothing() async throws {
        let environment = try await StageTestEnvironment.inMemory(idleTimeoutSeconds: 60)
        let store = InMemorySessionStore()
        let handler = SessionHandler(store: store, environment: environment)
        let messages = [
            message("a1", customer: "a", at: 0), message("b1", customer: "b", at: 1),
            message("a2", customer: "a", at: 30),
            message("a3", customer: "a", at: 100), message("b2", customer: "b", at: 50),
        ]
        let first = sessioned(try await handler.handle(batch(messages)))
        #expect(first.map(\.sequence) == [0, 0, 1, 0, 1])
        #expect(first[0].sessionId == first[2].sessionId)
        #expect(first[3].sessionId != first[0].sessionId, "60 s idle: a new session")
        #expect(first[1].sessionId == first[4].sessionId)
        #expect(store.state.withLock { $0.messages.count } == 5)
        #expect(store.state.withLock { $0.sessions[first[0].sessionId!]?.status } == .expired)

        // The same batch again, as after a crash before the commit, in a new assignment (cache not valid):
        // every message keeps its session and number, nothing is stored twice.
        let again = sessioned(try await handler.handle(batch(messages, generation: 2)))
        #expect(again.map(\.sessionId) == first.map(\.sessionId))
        #expect(again.map(\.sequence) == first.map(\.sequence))
        #expect(store.state.withLock { $0.messages.count } == 5)
        #expect(store.state.withLock { $0.sessions.count } == 3)

        // A warm cache costs no read: the next message of `a` continues its session.
        let reads = store.state.withLock { $0.reads }
        let next = sessioned(try await handler.handle(batch([message("a4", customer: "a", at: 110)], generation: 2)))
        #expect(next.first?.sessionId == first[3].sessionId)
        #expect(next.first?.sequence == 1)
        #expect(store.state.withLock { $0.reads } == reads)
    }
}
