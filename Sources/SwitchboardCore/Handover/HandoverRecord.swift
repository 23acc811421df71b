public import Foundation

/// A request for a human agent to take over a session.
///
/// Changes go through ``claim(by:at:)``, ``transfer(by:to:note:at:)`` and ``resolve(by:at:)``, a small
/// state machine: `waiting → claimed → resolved`, or `waiting → resolved` (e.g. the customer left); a claimed
/// handover can be transferred to another agent (`claimed → claimed`) or back to the queue
/// (`claimed → waiting`), and a supervisor can assign a waiting one (`waiting → claimed`).
///
/// Wait time runs from the request to the first claim, handle time from the first claim to the resolve.
public struct HandoverRecord: Sendable, Hashable, Codable {
    /// Lifecycle state.
    public enum Status: String, Sendable, Hashable, Codable {
        case waiting, claimed, resolved
    }

    /// Handover id.
    public var id: String
    /// The tenant.
    public var tenantId: String
    /// The session handed over.
    public var sessionId: String
    /// The customer.
    public var customerId: String
    /// Why.
    public var reason: HandoverReason
    /// Lifecycle state.
    public private(set) var status: Status
    /// The agent who claimed it.
    public private(set) var agentId: String?
    /// When it was requested.
    public var createdAt: Date
    /// When an agent claimed it.
    public private(set) var claimedAt: Date?
    /// When it was resolved.
    public private(set) var resolvedAt: Date?
    /// When an agent first claimed it: the end of the wait, the start of the handling.
    public private(set) var firstClaimedAt: Date?
    /// How often it was transferred or returned to the queue; it tells one transfer's event from another's.
    public private(set) var transfers: Int
    /// The note of the latest transfer, for the agent who takes it over.
    public private(set) var note: String?
    /// Who had it before the latest transfer.
    public private(set) var previousAgentId: String?
    /// When it was escalated for waiting past the tenant's assign timeout; set once.
    public var escalatedAt: Date?

    /// Seconds from the request to the first claim; nil while nobody has claimed it.
    public var waitTime: TimeInterval? { firstClaimedAt.map { $0.timeIntervalSince(createdAt) } }
    /// Seconds from the first claim to the resolve; nil until both happened.
    public var handleTime: TimeInterval? {
        guard let firstClaimedAt, let resolvedAt else { return nil }
        return resolvedAt.timeIntervalSince(firstClaimedAt)
    }

    /// Creates a waiting handover.
    public init(
        id: String, tenantId: String, sessionId: String, customerId: String, reason: HandoverReason, createdAt: Date
    ) {
        self.id = id
        self.tenantId = tenantId
        self.sessionId = sessionId
        self.customerId = customerId
        self.reason = reason
        self.status = .waiting
        self.createdAt = createdAt
        self.transfers = 0
    }

    /// What a successful claim did.
    public enum ClaimOutcome: Sendable, Hashable {
        /// The agent now owns the handover.
        case claimed
        /// The same agent had already claimed it; nothing changed (a retried request).
        case alreadyClaimedBySameAgent
    }

    /// Lets `agentId` take the handover. Only a waiting handover can be claimed; a repeated claim by
    /// the same agent succeeds without change.
    @discardableResult
    public mutating func claim(by agentId: String, at now: Date) throws(HandoverTransitionError) -> ClaimOutcome {
        switch status {
        case .waiting:
            status = .claimed
            self.agentId = agentId
            claimedAt = now
            if firstClaimedAt == nil { firstClaimedAt = now }
            return .claimed
        case .claimed where self.agentId == agentId:
            return .alreadyClaimedBySameAgent
        case .claimed:
            throw .claimedByAnotherAgent(self.agentId ?? "")
        case .resolved:
            throw .alreadyResolved
        }
    }

    /// Ends the handover; the bot owns the session again. Allowed while waiting (anyone, e.g. a
    /// supervisor or the customer leaving: `agentId` nil) or claimed (only by the claiming agent, or
    /// with `agentId` nil for a supervisor/system action).
    public mutating func resolve(by agentId: String?, at now: Date) throws(HandoverTransitionError) {
        switch status {
        case .waiting:
            break
        case .claimed:
            if let agentId, agentId != self.agentId {
                throw .claimedByAnotherAgent(self.agentId ?? "")
            }
        case .resolved:
            throw .alreadyResolved
        }
        status = .resolved
        if self.agentId == nil { self.agentId = agentId }
        resolvedAt = now
    }

    /// Hands a claimed handover to `target`, or back to the queue when `target` is nil, with an optional
    /// note for whoever takes it next. Allowed to the agent who holds it, or to a supervisor (`actor` nil),
    /// who may also assign a waiting handover to an agent.
    public mutating func transfer(
        by actor: String?, to target: String?, note: String?, at now: Date
    ) throws(HandoverTransitionError) {
        switch status {
        case .resolved:
            throw .alreadyResolved
        case .waiting:
            guard actor == nil, let target else { throw .notClaimed }
            status = .claimed
            agentId = target
            claimedAt = now
            if firstClaimedAt == nil { firstClaimedAt = now }
        case .claimed:
            if let actor, actor != agentId { throw .claimedByAnotherAgent(agentId ?? "") }
            if let target, target == agentId { throw .alreadyTheirs }
            previousAgentId = agentId
            if let target {
                agentId = target
                claimedAt = now
            } else {
                status = .waiting
                agentId = nil
                claimedAt = nil
            }
        }
        transfers += 1
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, reason, status, transfers, note
        case tenantId = "tenant_id"
        case sessionId = "session_id"
        case customerId = "customer_id"
        case agentId = "agent_id"
        case createdAt = "created_at"
        case claimedAt = "claimed_at"
        case resolvedAt = "resolved_at"
        case firstClaimedAt = "first_claimed_at"
        case previousAgentId = "previous_agent_id"
        case escalatedAt = "escalated_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        tenantId = try container.decode(String.self, forKey: .tenantId)
        sessionId = try container.decode(String.self, forKey: .sessionId)
        customerId = try container.decode(String.self, forKey: .customerId)
        reason = try container.decode(HandoverReason.self, forKey: .reason)
        status = try container.decode(Status.self, forKey: .status)
        agentId = try container.decodeIfPresent(String.self, forKey: .agentId)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        claimedAt = try container.decodeIfPresent(Date.self, forKey: .claimedAt)
        resolvedAt = try container.decodeIfPresent(Date.self, forKey: .resolvedAt)
        // Handovers stored before transfers existed have none of these.
        firstClaimedAt = try container.decodeIfPresent(Date.self, forKey: .firstClaimedAt) ?? claimedAt
        transfers = try container.decodeIfPresent(Int.self, forKey: .transfers) ?? 0
        note = try container.decodeIfPresent(String.self, forKey: .note)
        previousAgentId = try container.decodeIfPresent(String.self, forKey: .previousAgentId)
        escalatedAt = try container.decodeIfPresent(Date.self, forKey: .escalatedAt)
    }
}

/// Why a handover transition was refused. Maps to HTTP 409 Conflict.
public enum HandoverTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another agent already claimed the handover (their id).
    case claimedByAnotherAgent(String)
    /// The handover is already resolved.
    case alreadyResolved
    /// Only a claimed handover can be transferred (a supervisor may assign a waiting one).
    case notClaimed
    /// The transfer's target already holds the handover.
    case alreadyTheirs

    public var description: String {
        switch self {
        case .claimedByAnotherAgent: "handover is already claimed by another agent"
        case .alreadyResolved: "handover is already resolved"
        case .notClaimed: "only a claimed handover can be transferred; claim it first"
        case .alreadyTheirs: "the handover already belongs to that agent"
        }
    }
}
