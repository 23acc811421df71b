public import Foundation

/// A request for a human agent to take over a session.
///
/// Changes go through ``claim(by:at:)`` and ``resolve(by:at:)``, a small state machine:
/// `waiting → claimed → resolved`, or `waiting → resolved` (e.g. the customer left).
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

    enum CodingKeys: String, CodingKey {
        case id, reason, status
        case tenantId = "tenant_id"
        case sessionId = "session_id"
        case customerId = "customer_id"
        case agentId = "agent_id"
        case createdAt = "created_at"
        case claimedAt = "claimed_at"
        case resolvedAt = "resolved_at"
    }
}

/// Why a handover transition was refused. Maps to HTTP 409 Conflict.
public enum HandoverTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another agent already claimed the handover (their id).
    case claimedByAnotherAgent(String)
    /// The handover is already resolved.
    case alreadyResolved

    public var description: String {
        switch self {
        case .claimedByAnotherAgent: "handover is already claimed by another agent"
        case .alreadyResolved: "handover is already resolved"
        }
    }
}
