import Foundation
import Logging
import SwitchboardCore
public import SwitchboardRuntime

/// session: puts each message in the customer's open session (or a new one after the tenant's idle
/// timeout), stores it with its sequence number, and stamps the session and its owner on the envelope.
///
/// The stage owns its customers' sessions while it owns their partition (records are keyed by customer), so
/// it keeps each customer's open session in a bounded cache, valid for the partition assignment it was
/// loaded under. A batch then costs one bulk insert of messages, one read of the few sessions humans own, and
/// a bulk write of the sessions that started, expired or whose stored activity lags by more than the tenant's
/// tolerance (`SessionPolicy.activityTolerance`); the sequence numbers live in the stored messages. Customers
/// not cached cost one read of sessions, one of their sessions' latest messages and one of their messages.
///
/// Idempotent: a redelivered message is found stored and re-emitted with the session and sequence it was
/// stored with, and with the session events it raised (kept on the stored message), so a crash between the
/// store and the commit loses no `session_started` or `session_expired`; a session opened for a message has
/// an id derived from that message, and the events' ids are derived too.
public struct SessionHandler: StageHandler {
    struct Cached: Sendable {
        var session: SessionRecord
        /// The last activity the session's document holds (it is written only when it lags by the tolerance).
        var storedActivity: Date
        var partition: Int32
        var generation: Int
    }

    let store: any SessionStoring
    let environment: DaemonEnvironment
    let cache: BoundedCache<String, Cached>

    public init(store: any SessionStoring, environment: DaemonEnvironment, cacheCapacity: Int = 200_000) {
        self.store = store
        self.environment = environment
        self.cache = BoundedCache(capacity: cacheCapacity)
    }

    /// Forgets a customer's cached session (the sweeper expired it).
    public func forget(customerId: String) {
        cache.removeValue(for: customerId)
    }

    /// Forgets every cached session (the database may have lost what they were loaded from or written to).
    public func forgetAll() {
        cache.removeAll { _, _ in true }
    }

    /// What one message gets.
    private struct Placed {
        var sessionId: String
        var sequence: Int64?
        var events: [SwitchboardEvent] = []
        var redelivered = false
    }

    public func handle(_ batch: StageBatch) async throws -> [StageResult] {
        var results = [StageResult?](repeating: nil, count: batch.items.count)
        var policies: [String: SessionPolicy] = [:]
        var customerOrder: [String] = []
        var itemsOf: [String: [Int]] = [:]
        for (index, item) in batch.items.enumerated() {
            do {
                policies[item.envelope.tenantId] = try environment.tenant(item.envelope.tenantId).sessionPolicy
            } catch {
                results[index] = .from(error)
                continue
            }
            guard let customerId = item.envelope.customerId else {
                results[index] = .rejected("the envelope has no customer id (not identified)")
                continue
            }
            if itemsOf[customerId] == nil { customerOrder.append(customerId) }
            itemsOf[customerId, default: []].append(index)
        }
        do {
            try await place(batch, customers: customerOrder, itemsOf: itemsOf, policies: policies, into: &results)
        } catch {
            // What the batch decided may be half written: the retry reloads these customers.
            for customerId in customerOrder { cache.removeValue(for: customerId) }
            throw error
        }
        return results.map { $0 ?? .failed(SessionRaced()) }
    }

    private func place(
        _ batch: StageBatch, customers: [String], itemsOf: [String: [Int]], policies: [String: SessionPolicy],
        into results: inout [StageResult?]
    ) async throws {
        guard !customers.isEmpty else { return }
        var current: [String: SessionRecord] = [:]
        var storedActivity: [String: Date] = [:]
        var misses: [String] = []
        for customerId in customers {
            let origin = batch.items[itemsOf[customerId]![0]].origin
            if let cached = cache[customerId], cached.partition == origin.partition,
                cached.generation == origin.generation
            {
                current[customerId] = cached.session
                storedActivity[cached.session.id] = cached.storedActivity
            } else {
                misses.append(customerId)
            }
        }
        var stored: [String: MessagePlacement] = [:]
        if !misses.isEmpty {
            // The session document lags behind (see `SessionPolicy.activityTolerance`): its stored messages
            // say how far it really got.
            var loaded = try await store.openSessions(customerIds: misses)
            let latest = try await store.lastPlaced(sessions: loaded)
            for index in loaded.indices {
                storedActivity[loaded[index].id] = loaded[index].lastActivityAt
                guard let last = latest[loaded[index].id] else { continue }
                loaded[index].nextSequence = max(loaded[index].nextSequence, last.sequence + 1)
                loaded[index].lastActivityAt = max(loaded[index].lastActivityAt, last.at)
            }
            for session in loaded { current[session.customerId] = session }
            let ids = misses.flatMap { itemsOf[$0]! }.map { batch.items[$0].envelope.id.uuidString.lowercased() }
            stored = try await store.placements(messageIds: ids)
        }

        var latest: [String: SessionRecord] = [:]
        var created: Set<String> = []
        var advanced: Set<String> = []
        var expiredIds: Set<String> = []
        var placed: [Int: Placed] = [:]
        for customerId in customers {
            for index in itemsOf[customerId]! {
                let envelope = batch.items[index].envelope
                if let found = stored[envelope.id.uuidString.lowercased()] {
                    placed[index] = Placed(
                        sessionId: found.sessionId, sequence: found.sequence, events: found.events, redelivered: true)
                    continue
                }
                let decision = policies[envelope.tenantId]!.decide(
                    current: current[customerId], tenantId: envelope.tenantId, customerId: customerId,
                    now: envelope.receivedAt,
                    newSessionId: DerivedID.make(from: envelope.id, name: "session").uuidString.lowercased())
                switch decision {
                case .continue(let session, let sequence):
                    current[customerId] = session
                    latest[session.id] = session
                    advanced.insert(session.id)
                    placed[index] = Placed(sessionId: session.id, sequence: sequence)
                case .startNew(let fresh, let expired):
                    var events: [SwitchboardEvent] = []
                    if let expired {
                        latest[expired.id] = expired
                        expiredIds.insert(expired.id)
                        var ended = event(
                            .sessionExpired, envelope, customerId, expired.id,
                            ["idle_since": SwitchboardJSON.formatDate(expired.lastActivityAt)])
                        ended.id = SessionSweeper.expiryEventID(sessionId: expired.id)
                        events.append(ended)
                    }
                    events.append(event(.sessionStarted, envelope, customerId, fresh.id, [:]))
                    current[customerId] = fresh
                    latest[fresh.id] = fresh
                    created.insert(fresh.id)
                    placed[index] = Placed(sessionId: fresh.id, sequence: 0, events: events)
                }
            }
        }
        // A session created in this batch is written once, as it ends the batch (even if already expired).
        // An open session's activity is written only once it moved on by the tolerance: the messages hold the
        // rest, and the sweeper allows for the lag.
        var writes = SessionWrites()
        for id in latest.keys.sorted() {
            let session = latest[id]!
            if created.contains(id) {
                writes.created.append(session)
                storedActivity[id] = session.lastActivityAt
            } else if expiredIds.contains(id) {
                writes.expired.append(id)
            } else if advanced.contains(id), let tolerance = policies[session.tenantId]?.activityTolerance,
                session.lastActivityAt >= (storedActivity[id] ?? .distantPast).addingTimeInterval(tolerance)
            {
                writes.advanced.append(session)
                storedActivity[id] = session.lastActivityAt
            }
        }

        let owners = try await store.humanOwners(sessionIds: Array(Set(placed.values.map(\.sessionId))).sorted())
        guard try await store.apply(writes) else { throw SessionRaced() }

        var sessioned: [Int: Envelope] = [:]
        for (index, place) in placed {
            var envelope = batch.items[index].envelope
            envelope.sessionId = place.sessionId
            envelope.sequence = place.sequence
            envelope.sessionOwner = owners[place.sessionId] ?? .bot
            sessioned[index] = envelope
        }
        try await markSurveyAnswers(customers: customers, itemsOf: itemsOf, in: &sessioned)
        let fresh = placed.filter { !$0.value.redelivered }.keys.sorted()
        let now = Date()
        let duplicates = try await store.insertMessages(
            fresh.map { index in
                var message = MessageStore.StoredMessage(sessioned[index]!, status: "received", at: now)
                if let events = placed[index]?.events, !events.isEmpty { message.session_events = events }
                return message
            })
        if !duplicates.isEmpty {
            // Stored before under another place (the stage before produced it twice): that place stands.
            let again = duplicates.map { fresh[$0] }
            let found = try await store.placements(
                messageIds: again.map { batch.items[$0].envelope.id.uuidString.lowercased() })
            for index in again {
                guard let earlier = found[batch.items[index].envelope.id.uuidString.lowercased()] else { continue }
                sessioned[index]?.sessionId = earlier.sessionId
                sessioned[index]?.sequence = earlier.sequence
                sessioned[index]?.sessionOwner = owners[earlier.sessionId] ?? .bot
                placed[index]?.events = earlier.events
            }
        }

        for customerId in customers {
            let origin = batch.items[itemsOf[customerId]![0]].origin
            if let session = current[customerId] {
                cache.set(
                    Cached(
                        session: session, storedActivity: storedActivity[session.id] ?? session.lastActivityAt,
                        partition: origin.partition, generation: origin.generation),
                    for: customerId)
            }
        }
        for (index, place) in placed {
            guard let envelope = sessioned[index], let customerId = envelope.customerId else { continue }
            let key = PartitionKey.customer(tenantId: envelope.tenantId, customerId: customerId)
            var outputs: [StageOutput] = [.envelope(envelope, to: batch.topics.sessioned)]
            for event in place.events { outputs.append(.event(event, to: batch.topics.events, key: key)) }
            results[index] = .produced(outputs)
        }
    }

    /// Marks each customer's first message after a satisfaction survey (``CSATSurveyMark``), so the router can
    /// take a score from it instead of routing it: one read of the surveys per batch, only for tenants that
    /// send surveys, and one write when a message takes a survey. A redelivered message is marked again (the
    /// survey remembers which message took it).
    private func markSurveyAnswers(
        customers: [String], itemsOf: [String: [Int]], in sessioned: inout [Int: Envelope]
    ) async throws {
        var keys: [String: String] = [:]
        for customerId in customers {
            guard let first = itemsOf[customerId]?.first, let envelope = sessioned[first],
                environment.tenants.tenant(id: envelope.tenantId)?.csat.isEnabled == true
            else { continue }
            keys[customerId] = CSATSurvey.key(tenantId: envelope.tenantId, customerId: customerId)
        }
        guard !keys.isEmpty else { return }
        let surveys = try await store.pendingSurveys(keys: keys.values.sorted())
        guard !surveys.isEmpty else { return }
        var taken: [String: String] = [:]
        for customerId in customers {
            guard let key = keys[customerId], let survey = surveys[key] else { continue }
            for index in itemsOf[customerId] ?? [] {
                guard var envelope = sessioned[index], envelope.direction == .inbound, envelope.kind == .message
                else { continue }
                let messageId = envelope.id.uuidString.lowercased()
                if survey.isTakenBy(messageId: messageId, receivedAt: envelope.receivedAt) {
                    envelope.annotations.csatSurvey = CSATSurveyMark(
                        sessionId: survey.sessionId, agentId: survey.agentId)
                    sessioned[index] = envelope
                    if survey.answerMessageId == nil { taken[key] = messageId }
                }
                if envelope.receivedAt >= survey.sentAt { break }
            }
        }
        if !taken.isEmpty { try await store.takeSurveys(taken) }
    }

    private func event(
        _ type: SwitchboardEvent.EventType, _ envelope: Envelope, _ customerId: String, _ sessionId: String,
        _ details: [String: String]
    ) -> SwitchboardEvent {
        SwitchboardEvent(
            id: DerivedID.make(from: envelope.id, name: type.rawValue), type: type, tenantId: envelope.tenantId,
            customerId: customerId, sessionId: sessionId, traceId: envelope.traceId, occurredAt: envelope.receivedAt,
            details: details)
    }
}

/// The open session changed under us; retried by the runner.
struct SessionRaced: Error, CustomStringConvertible {
    var description: String { "the session changed while the message was being added; retrying" }
}
