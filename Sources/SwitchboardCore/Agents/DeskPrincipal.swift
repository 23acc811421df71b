/// Who is calling the agent API, decided from the credential alone: a signed-in agent or supervisor (from
/// their session token), or a machine integration (from the tenant's agent key).
public struct DeskPrincipal: Sendable, Hashable {
    /// The kind of caller.
    public enum Kind: Sendable, Hashable {
        /// A person signed in with an account of this role.
        case person(AgentRole)
        /// A machine integration holding the tenant's agent key: it names the agent it acts for.
        case integration
    }

    /// The tenant: every lookup is scoped to it.
    public var tenantId: String
    /// The signed-in agent; nil for an integration.
    public var agentId: String?
    public var kind: Kind

    public init(tenantId: String, agentId: String?, kind: Kind) {
        self.tenantId = tenantId
        self.agentId = agentId
        self.kind = kind
    }

    /// A signed-in person.
    public static func person(tenantId: String, agentId: String, role: AgentRole) -> DeskPrincipal {
        DeskPrincipal(tenantId: tenantId, agentId: agentId, kind: .person(role))
    }

    /// Supervisors and integrations see every conversation of the tenant; agents the queue and their own.
    public var seesEveryConversation: Bool {
        kind != .person(.agent)
    }

    /// Only supervisors manage accounts and reassign conversations.
    public var isSupervisor: Bool { kind == .person(.supervisor) }

    /// Whether this caller may read a handover: the waiting queue, their own, or all for supervisors.
    public func canRead(_ record: HandoverRecord) -> Bool {
        seesEveryConversation || record.status == .waiting || record.agentId == agentId
    }

    /// Whether this caller's live updates include `event`: the tenant's only; for an agent what changes the
    /// queue (a hand-over arriving, being claimed, coming back, ending while waiting, and customer messages
    /// of waiting ones) and what concerns them; supervisors and integrations everything, escalations
    /// included. An agent never sees another agent's conversation go on.
    public func canSee(_ event: SwitchboardEvent) -> Bool {
        guard event.tenantId == tenantId else { return false }
        if seesEveryConversation { return true }
        if event.type == .handoverEscalated { return false }
        if let agentId, event.details["agent_id"] == agentId || event.details["previous_agent_id"] == agentId {
            return true
        }
        switch event.type {
        case .handoverStarted, .handoverClaimed, .handoverReturnedToQueue: return true
        case .handoverEnded: return event.details["agent_id"] == nil
        default: return event.details["status"] == HandoverRecord.Status.waiting.rawValue
        }
    }

    /// The agent an action is taken as. A person acts as themselves: an `agent_id` in the body that names
    /// someone else is refused, never obeyed. An integration must name the agent.
    public func actingAgent(named bodyAgentId: String?) throws(DeskPermissionError) -> String {
        if let agentId {
            if let bodyAgentId, bodyAgentId != agentId { throw .actingAsAnotherAgent }
            return agentId
        }
        guard let bodyAgentId else { throw .agentRequired }
        return bodyAgentId
    }
}

/// Why the caller may not do something.
public enum DeskPermissionError: Error, Sendable, Hashable, CustomStringConvertible {
    case actingAsAnotherAgent
    case agentRequired
    case supervisorOnly
    case notYours

    public var description: String {
        switch self {
        case .actingAsAnotherAgent: "agent_id must be your own agent id (or left out): you act as yourself"
        case .agentRequired: "agent_id is required"
        case .supervisorOnly: "only a supervisor may do this"
        case .notYours: "this conversation belongs to another agent"
        }
    }
}
