public import SwitchboardCore

/// Where desk accounts are kept: ``AgentAccountStore`` in MongoDB, an in-memory one in tests.
///
/// Every write after the insert is conditional on the version read, so two sign-ins failing at once
/// cannot both count from the same number, and a password reset cannot be undone by a sign-in that read
/// the account before it.
public protocol AgentAccountStoring: Sendable {
    /// Inserts a new account; false when the tenant already has one with that agent id.
    func insert(_ account: AgentAccount) async throws -> Bool
    /// The account and its version, or nil.
    func account(tenantId: String, agentId: String) async throws -> VersionedAgentAccount?
    /// The tenant's accounts, by agent id.
    func list(tenantId: String) async throws -> [AgentAccount]
    /// Saves `account` if the stored version is still `version`; false when another write came first.
    func replace(_ account: AgentAccount, expecting version: Int) async throws -> Bool
}

/// An account as read, with the version its conditional write must expect.
public struct VersionedAgentAccount: Sendable, Hashable {
    public var account: AgentAccount
    public var version: Int

    public init(account: AgentAccount, version: Int) {
        self.account = account
        self.version = version
    }
}

/// Where desk sign-in sessions are kept, by the SHA-256 of their token (the token itself is never stored).
public protocol AgentSessionStoring: Sendable {
    /// Stores a new session.
    func insert(_ session: AgentSessionRecord) async throws
    /// The session whose token hashes to `tokenHash`, or nil.
    func session(tokenHash: String) async throws -> AgentSessionRecord?
    /// Revokes one session.
    func delete(tokenHash: String) async throws
    /// Revokes every session of an account (disabled, password reset).
    func deleteAll(tenantId: String, agentId: String) async throws
}
