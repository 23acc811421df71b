public import Foundation

/// A desk sign-in: who, until when. Stored under the SHA-256 of its token; the token is only ever sent to
/// the client.
public struct AgentSessionRecord: Sendable, Hashable, Codable {
    /// Hex SHA-256 of the bearer token.
    public var tokenHash: String
    public var tenantId: String
    public var agentId: String
    public var role: AgentRole
    public var createdAt: Date
    public var expiresAt: Date

    public init(
        tokenHash: String, tenantId: String, agentId: String, role: AgentRole, createdAt: Date, expiresAt: Date
    ) {
        self.tokenHash = tokenHash
        self.tenantId = tenantId
        self.agentId = agentId
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case role
        case tokenHash = "token_hash"
        case tenantId = "tenant_id"
        case agentId = "agent_id"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }
}
