import Foundation
import SwitchboardCore
import Testing

@Suite("Sessions")
struct SessionPolicyTests {
    let start = Date(timeIntervalSince1970: 1_750_000_000)
    let policy = SessionPolicy()

    func open(lastActivity: Date, next: Int64 = 3) -> SessionRecord {
        SessionRecord(
            id: "s-1", tenantId: "demo", customerId: "c-1", startedAt: start, lastActivityAt: lastActivity,
            nextSequence: next)
    }

    @Test("default idle timeout is 20 minutes")
    func defaultTimeout() {
        #expect(policy.idleTimeout == 1200)
    }

    @Test("one millisecond before the timeout continues the session")
    func justBefore() {
        let session = open(lastActivity: start)
        let now = start.addingTimeInterval(1200 - 0.001)
        let decision = policy.decide(
            current: session, tenantId: "demo", customerId: "c-1", now: now, newSessionId: "s-2")
        guard case .continue(let updated, let sequence) = decision else {
            Issue.record("expected continue, got \(decision)")
            return
        }
        #expect(sequence == 3)
        #expect(updated.nextSequence == 4)
        #expect(updated.lastActivityAt == now)
        #expect(updated.id == "s-1")
    }

    @Test("exactly at the timeout the session has expired and a new one starts")
    func exactlyAt() {
        let session = open(lastActivity: start)
        let now = start.addingTimeInterval(1200)
        let decision = policy.decide(
            current: session, tenantId: "demo", customerId: "c-1", now: now, newSessionId: "s-2")
        guard case .startNew(let new, let expired) = decision else {
            Issue.record("expected a new session, got \(decision)")
            return
        }
        #expect(
            new.id == "s-2" && new.status == .open && new.startedAt == now && new.nextSequence == 1 && new.owner == .bot
        )
        #expect(expired?.id == "s-1" && expired?.status == .expired)
        #expect(policy.isExpired(session, at: start.addingTimeInterval(1200.001)))
    }

    @Test("no session, or a closed one, starts a new session without expiring anything")
    func noneOrClosed() {
        let first = policy.decide(current: nil, tenantId: "demo", customerId: "c-1", now: start, newSessionId: "s-1")
        #expect(
            first
                == .startNew(
                    session: SessionRecord(
                        id: "s-1", tenantId: "demo", customerId: "c-1", startedAt: start, lastActivityAt: start,
                        nextSequence: 1), expired: nil))
        var closed = open(lastActivity: start)
        closed.status = .closed
        guard
            case .startNew(_, nil) = policy.decide(
                current: closed, tenantId: "demo", customerId: "c-1", now: start.addingTimeInterval(1),
                newSessionId: "s-2")
        else {
            Issue.record("a closed session must not continue")
            return
        }
    }

    @Test("late, out-of-order messages do not move activity back; a tenant timeout applies")
    func outOfOrder() {
        let session = open(lastActivity: start)
        let decision = SessionPolicy(idleTimeout: 60).decide(
            current: session, tenantId: "demo", customerId: "c-1", now: start.addingTimeInterval(-5), newSessionId: "x")
        #expect(decision.session.lastActivityAt == start)
        #expect(SessionPolicy(idleTimeout: 60).isExpired(session, at: start.addingTimeInterval(60)))
    }

    @Test("a session record round trips with its owner and handover")
    func codable() throws {
        var session = open(lastActivity: start)
        session.owner = .human(agentId: "agent-1")
        session.handover = .init(handoverId: "h-1", reason: .lowConfidence, requestedAt: start)
        let data = try SwitchboardJSON.makeEncoder().encode(session)
        #expect(String(decoding: data, as: UTF8.self).contains(#""owner":{"agent_id":"agent-1","type":"human"}"#))
        #expect(try SwitchboardJSON.makeDecoder().decode(SessionRecord.self, from: data) == session)
    }
}
