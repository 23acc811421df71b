import Foundation
public import SwitchboardCore
public import SwitchboardRuntime

/// session: puts each message in the customer's open session (or a new one after the tenant's idle
/// timeout), stores it with its sequence number, and stamps the session and its owner on the envelope.
///
/// Idempotent: a redelivered message is found by its envelope id and re-emitted with the session and
/// sequence it was stored with; a session opened for a message has an id derived from that message.
public struct SessionHandler: StageHandler {
    let sessions: SessionStore
    let messages: MessageStore
    let environment: DaemonEnvironment

    public init(sessions: SessionStore, messages: MessageStore, environment: DaemonEnvironment) {
        self.sessions = sessions
        self.messages = messages
        self.environment = environment
    }

    public func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
        let tenant = try environment.tenant(envelope.tenantId)
        guard let customerId = envelope.customerId else {
            throw StageFailure.permanent("the envelope has no customer id (not identified)")
        }
        if let stored = try await messages.message(id: envelope.id), let sessionId = stored.session_id {
            var again = envelope
            again.sessionId = sessionId
            again.sequence = stored.sequence
            again.sessionOwner = try await sessions.session(id: sessionId)?.owner ?? .bot
            return [try .envelope(again, to: context.topics.sessioned)]
        }

        var outputs: [StageOutput] = []
        let now = envelope.receivedAt
        let key = PartitionKey.customer(tenantId: envelope.tenantId, customerId: customerId)
        var session: SessionRecord
        var sequence: Int64
        let current = try await sessions.openSession(tenantId: envelope.tenantId, customerId: customerId)
        let decision = tenant.sessionPolicy.decide(
            current: current, tenantId: envelope.tenantId, customerId: customerId, now: now,
            newSessionId: DerivedID.make(from: envelope.id, name: "session").uuidString.lowercased())
        switch decision {
        case .continue(let continued, _):
            if let touched = try await sessions.touch(sessionId: continued.id, at: now) {
                (session, sequence) = touched
            } else {
                // Expired or closed between the read and the update: open a new one on the next attempt.
                throw SessionRaced()
            }
        case .startNew(let fresh, let expired):
            if let expired, try await sessions.expire(sessionId: expired.id) {
                var ended = event(
                    .sessionExpired, envelope, customerId, expired.id,
                    ["idle_since": SwitchboardJSON.formatDate(expired.lastActivityAt)])
                ended.id = SessionSweeper.expiryEventID(sessionId: expired.id)
                outputs.append(try .event(ended, to: context.topics.events, key: key))
            }
            try await sessions.insert(fresh)
            session = fresh
            sequence = 0
            outputs.append(
                try .event(
                    event(.sessionStarted, envelope, customerId, fresh.id, [:]), to: context.topics.events, key: key))
        }

        var sessioned = envelope
        sessioned.sessionId = session.id
        sessioned.sequence = sequence
        sessioned.sessionOwner = session.owner
        try await messages.insertIfNew(MessageStore.StoredMessage(sessioned, status: "received", at: Date()))
        outputs.insert(try .envelope(sessioned, to: context.topics.sessioned), at: 0)
        return outputs
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
