import Foundation
import SwitchboardCore
import SwitchboardStages
import Synchronization

/// Analytics facts in memory, merged the way ``AnalyticsStore`` merges them in the database.
final class InMemoryAnalyticsStore: AnalyticsStoring {
    let state = Mutex<(records: [String: AnalyticsRecordFact], sessions: [String: AnalyticsSessionFact])>(([:], [:]))

    func record(
        _ facts: [AnalyticsRecordFact], sessions: [AnalyticsSessionChange]
    ) async throws -> [AnalyticsRecordFact] {
        state.withLock { state in
            var new: [AnalyticsRecordFact] = []
            for fact in facts where state.records[fact.id] == nil {
                state.records[fact.id] = fact
                new.append(fact)
            }
            for change in sessions {
                var fact =
                    state.sessions[change.sessionId]
                    ?? AnalyticsSessionFact(id: change.sessionId, tenantId: change.tenantId)
                fact.apply(change)
                state.sessions[change.sessionId] = fact
            }
            return new
        }
    }

    func removeSessions(tenantId: String, customerId: String) async throws {
        state.withLock { state in
            state.sessions = state.sessions.filter {
                $0.value.tenantId != tenantId || $0.value.customerId != customerId
            }
        }
    }

    func facts(
        tenantId: String, since: Date, until: Date
    ) async throws -> (records: [AnalyticsRecordFact], sessions: [AnalyticsSessionFact]) {
        state.withLock { state in
            (
                state.records.values.filter { $0.tenantId == tenantId && $0.at >= since && $0.at < until },
                state.sessions.values.filter {
                    $0.tenantId == tenantId && ($0.startedAt.map { $0 >= since && $0 < until } ?? false)
                }
            )
        }
    }
}

/// A scripted day of conversations of tenant `demo` (and one of tenant `other`), as the topics carry them.
///
/// Day 1 (2027-01-15, UTC), from 09:00:
/// - A (webchat): customer at +0 s, bot replies at +2 s, customer at +60 s, bot at +61 s. Contained.
/// - B (whatsapp): customer at +0 s, bot at +4 s; asks for a human at +10 s: hand-over h1 (customer asked) at
///   +10 s, claimed by alice at +40 s, alice replies at +50 s, resolved by alice at +130 s (handle 90 s), CSAT 4.
/// - C (webchat): customer at +0 s, no reply; low confidence hand-over h2 at +1 s, claimed by bob at +21 s,
///   bob replies at +31 s, resolved at +61 s (handle 40 s); a delivery of bob's reply failed. CSAT 2.
/// Day 2 (2027-01-16):
/// - D (webchat): customer at +0 s, bot at +8 s. Contained.
/// Tenant `other`: one conversation on day 1, never in `demo`'s figures.
enum AnalyticsScript {
    static let day1 = Date(timeIntervalSince1970: 1_800_003_600)  // 2027-01-15T09:00:00Z
    static let day2 = day1.addingTimeInterval(86_400)

    static func id(_ name: String) -> UUID { DerivedID.make(from: namespace, name: name) }
    private static let namespace = UUID(uuidString: "6f1d2c3b-4a59-4e68-9b7a-0c1d2e3f4a5b")!

    static func inbound(
        _ name: String, session: String, customer: String, channel: Channel, at time: Date, text: String = "hello",
        survey: CSATSurveyMark? = nil, tenant: String = "demo"
    ) -> AnalyticsInput {
        var envelope = Envelope(
            id: id(name), tenantId: tenant, channel: channel, direction: .inbound, externalId: "x-" + customer,
            customerId: customer, sessionId: session, content: .text(text), receivedAt: time, traceId: name)
        envelope.sequence = 0
        envelope.annotations.csatSurvey = survey
        return .inbound(envelope)
    }

    static func outbound(
        _ name: String, session: String, customer: String, channel: Channel, at time: Date, sender: Sender,
        tenant: String = "demo"
    ) -> AnalyticsInput {
        .outbound(
            Envelope(
                id: id(name), tenantId: tenant, channel: channel, direction: .outbound, externalId: "x-" + customer,
                customerId: customer, sessionId: session, content: .text("reply"), receivedAt: time, traceId: name,
                sender: sender))
    }

    static func event(
        _ name: String, _ type: SwitchboardEvent.EventType, session: String?, customer: String?, at time: Date,
        _ details: [String: String] = [:], tenant: String = "demo"
    ) -> AnalyticsInput {
        .event(
            SwitchboardEvent(
                id: id(name), type: type, tenantId: tenant, customerId: customer, sessionId: session, occurredAt: time,
                details: details))
    }

    static var records: [AnalyticsInput] { records(day1: day1) }

    /// The script with its first day starting at `day1`.
    static func records(day1: Date) -> [AnalyticsInput] {
        let a = day1
        let b = day1.addingTimeInterval(600)
        let c = day1.addingTimeInterval(1200)
        let d = day1.addingTimeInterval(86_400)
        return [
            event("a-start", .sessionStarted, session: "sA", customer: "cA", at: a),
            inbound("a1", session: "sA", customer: "cA", channel: .webchat, at: a),
            outbound("a1r", session: "sA", customer: "cA", channel: .webchat, at: a + 2, sender: .bot),
            inbound("a2", session: "sA", customer: "cA", channel: .webchat, at: a + 60),
            outbound("a2r", session: "sA", customer: "cA", channel: .webchat, at: a + 61, sender: .bot),

            event("b-start", .sessionStarted, session: "sB", customer: "cB", at: b),
            inbound("b1", session: "sB", customer: "cB", channel: .whatsapp, at: b),
            outbound("b1r", session: "sB", customer: "cB", channel: .whatsapp, at: b + 4, sender: .bot),
            inbound("b2", session: "sB", customer: "cB", channel: .whatsapp, at: b + 10, text: "a person please"),
            event(
                "h1-start", .handoverStarted, session: "sB", customer: "cB", at: b + 10,
                ["handover_id": "h1", "reason": "customer_asked_for_human"]),
            event(
                "h1-claim", .handoverClaimed, session: "sB", customer: "cB", at: b + 40,
                ["handover_id": "h1", "agent_id": "alice"]),
            outbound("b3", session: "sB", customer: "cB", channel: .whatsapp, at: b + 50, sender: .agent(id: "alice")),
            event(
                "h1-end", .handoverEnded, session: "sB", customer: "cB", at: b + 130,
                ["handover_id": "h1", "agent_id": "alice", "handle_seconds": "90.000"]),
            outbound("b-survey", session: "sB", customer: "cB", channel: .whatsapp, at: b + 130, sender: .system),
            inbound(
                "b-answer", session: "sB", customer: "cB", channel: .whatsapp, at: b + 200, text: "4",
                survey: CSATSurveyMark(sessionId: "sB", agentId: "alice")),
            event(
                "b-csat", .csatAnswered, session: "sB", customer: "cB", at: b + 200,
                ["score": "4", "agent_id": "alice", "channel": "whatsapp"]),

            event("c-start", .sessionStarted, session: "sC", customer: "cC", at: c),
            inbound("c1", session: "sC", customer: "cC", channel: .webchat, at: c),
            event(
                "h2-start", .handoverStarted, session: "sC", customer: "cC", at: c + 1,
                ["handover_id": "h2", "reason": "low_confidence"]),
            event(
                "h2-claim", .handoverClaimed, session: "sC", customer: "cC", at: c + 21,
                ["handover_id": "h2", "agent_id": "bob"]),
            outbound("c2", session: "sC", customer: "cC", channel: .webchat, at: c + 31, sender: .agent(id: "bob")),
            event(
                "c2-failed", .deliveryStatus, session: nil, customer: nil, at: c + 32,
                ["state": "failed", "channel": "webchat"]),
            event(
                "h2-end", .handoverEnded, session: "sC", customer: "cC", at: c + 61,
                ["handover_id": "h2", "agent_id": "bob", "handle_seconds": "40.000"]),
            event(
                "c-csat", .csatAnswered, session: "sC", customer: "cC", at: c + 90,
                ["score": "2", "agent_id": "bob", "channel": "webchat"]),

            event("d-start", .sessionStarted, session: "sD", customer: "cD", at: d),
            inbound("d1", session: "sD", customer: "cD", channel: .webchat, at: d),
            outbound("d1r", session: "sD", customer: "cD", channel: .webchat, at: d + 8, sender: .bot),

            event("o-start", .sessionStarted, session: "sO", customer: "cO", at: a, tenant: "other"),
            inbound("o1", session: "sO", customer: "cO", channel: .webchat, at: a, tenant: "other"),
        ]
    }
}
