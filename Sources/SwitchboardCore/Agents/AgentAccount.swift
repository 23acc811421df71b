public import Foundation

/// A person who signs in to the agent desk: an agent or a supervisor of one tenant.
///
/// The password is only ever held as a slow salted hash (bcrypt); ``SignInLockout`` decides the lockout
/// fields after each sign-in attempt.
public struct AgentAccount: Sendable, Hashable, Codable {
    /// The tenant the account belongs to; it never reaches another.
    public var tenantId: String
    /// The sign-in name, unique per tenant; it is also the `agent_id` handovers record.
    public var agentId: String
    /// The name colleagues see.
    public var displayName: String
    /// What the account may do.
    public var role: AgentRole
    /// The password's bcrypt hash (`$2b$…`), never the password.
    public var passwordHash: String
    /// A disabled account cannot sign in and its sessions are revoked.
    public var disabled: Bool
    /// Failed sign-ins since the last successful one.
    public var failedSignIns: Int
    /// Until when sign-ins are refused without looking at the password.
    public var lockedUntil: Date?
    /// When the account was created.
    public var createdAt: Date
    /// When the password was last set.
    public var passwordChangedAt: Date

    /// Creates an enabled account with no failed sign-ins.
    public init(
        tenantId: String, agentId: String, displayName: String? = nil, role: AgentRole, passwordHash: String,
        createdAt: Date
    ) {
        self.tenantId = tenantId
        self.agentId = agentId
        self.displayName = displayName ?? agentId
        self.role = role
        self.passwordHash = passwordHash
        self.disabled = false
        self.failedSignIns = 0
        self.lockedUntil = nil
        self.createdAt = createdAt
        self.passwordChangedAt = createdAt
    }

    /// Whether `id` can be an agent id: 1 to 64 ASCII letters, digits, `.`, `_`, `-` or `@`.
    public static func isValidAgentId(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64
            && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-@".contains($0)) }
    }

    /// Why `password` cannot be a desk password, or nil when it can: at least 10 characters, and at most
    /// 72 UTF-8 bytes (bcrypt ignores anything after the 72nd byte).
    public static func passwordProblem(_ password: String) -> String? {
        if password.count < 10 { return "the password must have at least 10 characters" }
        if password.utf8.count > 72 { return "the password must be at most 72 bytes" }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case role, disabled
        case tenantId = "tenant_id"
        case agentId = "agent_id"
        case displayName = "display_name"
        case passwordHash = "password_hash"
        case failedSignIns = "failed_sign_ins"
        case lockedUntil = "locked_until"
        case createdAt = "created_at"
        case passwordChangedAt = "password_changed_at"
    }
}
