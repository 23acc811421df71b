/// What a desk account may do in its tenant.
public enum AgentRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Sees the tenant's queue and their own conversations; claims, replies, transfers and resolves their own.
    case agent
    /// Also sees every agent's conversations, reassigns them and manages the tenant's accounts.
    case supervisor
}
