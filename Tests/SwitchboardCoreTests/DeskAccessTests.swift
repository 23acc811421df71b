import Foundation
import SwitchboardCore
import Testing

@Suite("Desk sign-in lockout and roles")
struct DeskAccessTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    func account() -> AgentAccount {
        AgentAccount(tenantId: "demo", agentId: "ann", role: .agent, passwordHash: "$2b$04$x", createdAt: t0)
    }

    @Test("five failures are free, the sixth locks for 30 s, each further one doubles up to 15 minutes")
    func lockoutBackoff() {
        let lockout = SignInLockout()
        var account = account()
        for attempt in 1...4 {
            account = lockout.failed(account, at: t0)
            #expect(account.failedSignIns == attempt)
            #expect(account.lockedUntil == nil)
            #expect(lockout.decide(account, at: t0) == .checkPassword)
        }
        account = lockout.failed(account, at: t0)
        #expect(account.lockedUntil == t0.addingTimeInterval(30))
        #expect(lockout.decide(account, at: t0.addingTimeInterval(29)) == .locked(until: t0.addingTimeInterval(30)))
        #expect(lockout.decide(account, at: t0.addingTimeInterval(30)) == .checkPassword)

        let later = t0.addingTimeInterval(31)
        account = lockout.failed(account, at: later)
        #expect(account.lockedUntil == later.addingTimeInterval(60))
        account = lockout.failed(account, at: later)
        #expect(account.lockedUntil == later.addingTimeInterval(120))
        for _ in 0..<40 { account = lockout.failed(account, at: later) }
        #expect(account.lockedUntil == later.addingTimeInterval(900), "capped at 15 minutes, no overflow")

        account = lockout.succeeded(account)
        #expect(account.failedSignIns == 0 && account.lockedUntil == nil)
    }

    @Test("an agent sees the queue and their own conversations; a supervisor and an integration see all")
    func visibility() throws {
        var waiting = HandoverRecord(
            id: "h", tenantId: "demo", sessionId: "s", customerId: "c", reason: .lowConfidence, createdAt: t0)
        let ann = DeskPrincipal.person(tenantId: "demo", agentId: "ann", role: .agent)
        let bob = DeskPrincipal.person(tenantId: "demo", agentId: "bob", role: .agent)
        let boss = DeskPrincipal.person(tenantId: "demo", agentId: "boss", role: .supervisor)
        let machine = DeskPrincipal(tenantId: "demo", agentId: nil, kind: .integration)
        #expect(ann.canRead(waiting) && bob.canRead(waiting))
        try waiting.claim(by: "ann", at: t0)
        #expect(ann.canRead(waiting))
        #expect(!bob.canRead(waiting))
        #expect(boss.canRead(waiting) && machine.canRead(waiting))
        #expect(boss.isSupervisor && !ann.isSupervisor && !machine.isSupervisor)
    }

    @Test("a person acts as themselves whatever the body says; an integration must name the agent")
    func actingAgent() throws {
        let ann = DeskPrincipal.person(tenantId: "demo", agentId: "ann", role: .agent)
        #expect(try ann.actingAgent(named: nil) == "ann")
        #expect(try ann.actingAgent(named: "ann") == "ann")
        #expect(throws: DeskPermissionError.actingAsAnotherAgent) { try ann.actingAgent(named: "bob") }
        let machine = DeskPrincipal(tenantId: "demo", agentId: nil, kind: .integration)
        #expect(try machine.actingAgent(named: "bob") == "bob")
        #expect(throws: DeskPermissionError.agentRequired) { try machine.actingAgent(named: nil) }
    }

    @Test("agent ids and passwords are checked")
    func validation() {
        #expect(AgentAccount.isValidAgentId("ann.lee@shop"))
        #expect(!AgentAccount.isValidAgentId(""))
        #expect(!AgentAccount.isValidAgentId("ann lee"))
        #expect(!AgentAccount.isValidAgentId(String(repeating: "a", count: 65)))
        #expect(AgentAccount.passwordProblem("short") != nil)
        #expect(AgentAccount.passwordProblem(String(repeating: "é", count: 37)) != nil, "74 bytes")
        #expect(AgentAccount.passwordProblem("correct horse battery") == nil)
    }
}

@Suite("Desk live updates: who sees which event")
struct DeskEventVisibilityTests {
    func event(
        _ type: SwitchboardEvent.EventType, tenant: String = "demo", _ details: [String: String]
    )
        -> SwitchboardEvent
    {
        SwitchboardEvent(id: UUID(), type: type, tenantId: tenant, occurredAt: Date(), details: details)
    }

    @Test("agents see the queue and their own; supervisors all, escalations included; nobody another tenant's")
    func visibility() {
        let ann = DeskPrincipal.person(tenantId: "demo", agentId: "ann", role: .agent)
        let boss = DeskPrincipal.person(tenantId: "demo", agentId: "boss", role: .supervisor)
        let started = event(.handoverStarted, ["status": "waiting"])
        let bobsMessage = event(.handoverCustomerMessage, ["status": "claimed", "agent_id": "bob"])
        let annsMessage = event(.handoverCustomerMessage, ["status": "claimed", "agent_id": "ann"])
        let queuedMessage = event(.handoverCustomerMessage, ["status": "waiting"])
        let transferredAway = event(.handoverTransferred, ["agent_id": "bob", "previous_agent_id": "ann"])
        let escalated = event(.handoverEscalated, ["status": "waiting"])
        let otherTenant = event(.handoverStarted, tenant: "night", ["status": "waiting"])

        #expect(ann.canSee(started) && ann.canSee(annsMessage) && ann.canSee(queuedMessage))
        #expect(ann.canSee(transferredAway), "the agent who handed it on hears of it")
        #expect(!ann.canSee(bobsMessage), "another agent's conversation goes on unseen")
        #expect(ann.canSee(event(.handoverClaimed, ["status": "claimed", "agent_id": "bob"])), "it left the queue")
        #expect(ann.canSee(event(.handoverEnded, ["status": "resolved"])), "ended while waiting")
        #expect(!ann.canSee(event(.handoverEnded, ["status": "resolved", "agent_id": "bob"])))
        #expect(!ann.canSee(escalated))
        #expect(!ann.canSee(otherTenant))
        #expect(boss.canSee(bobsMessage) && boss.canSee(escalated))
        #expect(!boss.canSee(otherTenant))
    }
}
