import Crypto
public import Foundation
public import Logging
public import SwitchboardCore
import SwitchboardObservability

/// Desk accounts and their sign-ins: create, disable, reset a password, list; sign in, sign out, and
/// turn a session token back into the ``DeskPrincipal`` it stands for.
///
/// A session token is 32 random bytes (base64url), stored only as its SHA-256 with an expiry. An opaque
/// token, rather than a signed JWT, because revocation must be immediate: sign-out, disabling an account and
/// resetting its password delete the stored sessions, and the next request with the token is refused. A JWT
/// would need the same lookup for a deny list, and would add a signing key to manage.
public struct DeskAccounts: Sendable {
    private let accounts: any AgentAccountStoring
    private let sessions: any AgentSessionStoring
    private let hasher: any PasswordHasher
    private let lockout: SignInLockout
    private let throttle: DeskSignInThrottle
    private let sessionLifetime: TimeInterval
    private let metrics: DeskMetrics
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// The default lifetime of a sign-in: 8 hours, one working day.
    public static let defaultSessionLifetime: TimeInterval = 8 * 3600

    /// - Parameters:
    ///   - accounts: Where accounts are kept.
    ///   - sessions: Where sign-in sessions are kept.
    ///   - hasher: Hashes passwords (bcrypt).
    ///   - lockout: The lockout policy after failed sign-ins.
    ///   - throttle: Failed sign-ins per client address, across accounts.
    ///   - sessionLifetime: How long a sign-in lasts. Default 8 hours.
    ///   - metrics: Sign-in counters.
    ///   - logger: Sign-ins and lockouts are logged here, never with a password or token.
    ///   - now: The clock.
    public init(
        accounts: any AgentAccountStoring, sessions: any AgentSessionStoring,
        hasher: any PasswordHasher = BcryptPasswordHasher(), lockout: SignInLockout = SignInLockout(),
        throttle: DeskSignInThrottle = DeskSignInThrottle(),
        sessionLifetime: TimeInterval = DeskAccounts.defaultSessionLifetime, metrics: DeskMetrics = DeskMetrics(),
        logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.accounts = accounts
        self.sessions = sessions
        self.hasher = hasher
        self.lockout = lockout
        self.throttle = throttle
        self.sessionLifetime = sessionLifetime
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    // MARK: - Accounts

    /// Creates an account; 409 when the tenant has one with that agent id.
    public func create(
        tenantId: String, agentId: String, displayName: String?, role: AgentRole, password: String
    ) async throws -> AgentAccount {
        guard AgentAccount.isValidAgentId(agentId) else {
            throw DeskAccountError(.invalid, "agent id must be 1 to 64 letters, digits, '.', '_', '-' or '@'")
        }
        if let problem = AgentAccount.passwordProblem(password) { throw DeskAccountError(.invalid, problem) }
        let name = displayName?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, name.count > 128 { throw DeskAccountError(.invalid, "display name is longer than 128 characters") }
        let account = AgentAccount(
            tenantId: tenantId, agentId: agentId, displayName: name.flatMap { $0.isEmpty ? nil : $0 }, role: role,
            passwordHash: try await hasher.hash(password), createdAt: now())
        guard try await accounts.insert(account) else {
            throw DeskAccountError(.exists, "the tenant already has an account '\(agentId)'")
        }
        logger.info(
            "Desk account created", metadata: ["tenant": "\(tenantId)", "agent_id": "\(agentId)", "role": "\(role)"])
        return account
    }

    /// The tenant's accounts.
    public func list(tenantId: String) async throws -> [AgentAccount] {
        try await accounts.list(tenantId: tenantId)
    }

    /// The account, or 404.
    public func account(tenantId: String, agentId: String) async throws -> AgentAccount {
        guard let found = try await accounts.account(tenantId: tenantId, agentId: agentId) else {
            throw DeskAccountError.notFound
        }
        return found.account
    }

    /// Disables (or enables again) an account. Disabling signs it out everywhere.
    public func setDisabled(_ disabled: Bool, tenantId: String, agentId: String) async throws -> AgentAccount {
        let account = try await modify(tenantId: tenantId, agentId: agentId) { $0.disabled = disabled }
        if disabled { try await sessions.deleteAll(tenantId: tenantId, agentId: agentId) }
        logger.info(
            disabled ? "Desk account disabled" : "Desk account enabled",
            metadata: ["tenant": "\(tenantId)", "agent_id": "\(agentId)"])
        return account
    }

    /// Sets a new password, lifts any lockout and signs the account out everywhere.
    public func resetPassword(tenantId: String, agentId: String, password: String) async throws -> AgentAccount {
        if let problem = AgentAccount.passwordProblem(password) { throw DeskAccountError(.invalid, problem) }
        let hash = try await hasher.hash(password)
        let time = now()
        let account = try await modify(tenantId: tenantId, agentId: agentId) { account in
            account.passwordHash = hash
            account.passwordChangedAt = time
            account = lockout.succeeded(account)
        }
        try await sessions.deleteAll(tenantId: tenantId, agentId: agentId)
        logger.info("Desk password reset", metadata: ["tenant": "\(tenantId)", "agent_id": "\(agentId)"])
        return account
    }

    // MARK: - Sign-in

    /// A successful sign-in: the token to present (once; it is not stored) and what it stands for.
    public struct SignIn: Sendable {
        public var token: String
        public var session: AgentSessionRecord
        public var account: AgentAccount
    }

    /// Checks the password and opens a session. Wrong tenant, unknown agent, wrong password and a disabled
    /// account all fail alike (401) and take about as long; a locked account, or a client address with too
    /// many recent failures (``SignInAddressThrottle``), fails with 429 without its password being checked.
    ///
    /// - Parameter clientAddress: The caller's IP address, for the per-address throttle; nil (no socket, as in
    ///   router tests) skips it.
    public func signIn(
        tenantId: String, agentId: String, password: String, clientAddress: String? = nil
    ) async throws -> SignIn {
        let metadata: Logger.Metadata = ["tenant": "\(tenantId)", "agent_id": "\(agentId)"]
        if let clientAddress, let until = throttle.blockedUntil(clientAddress, at: now()) {
            metrics.throttled.increment()
            logger.notice(
                "Desk sign-in refused",
                metadata: metadata.merging([
                    "reason": "address_throttled",
                    LogKeys.clientAddressDigest: "\(LogPrivacy.addressDigest(clientAddress))",
                ]) { $1 })
            throw DeskAccountError(
                .locked, "too many failed sign-ins from this address; try again later", retryAfter: until)
        }
        do {
            return try await checkedSignIn(tenantId: tenantId, agentId: agentId, password: password, metadata: metadata)
        } catch let error as DeskAccountError where error.kind == .badCredentials {
            if let clientAddress, let until = throttle.failed(clientAddress, at: now()) {
                metrics.addressThrottles.increment()
                logger.warning(
                    "Desk sign-ins from an address throttled after repeated failures",
                    metadata: [
                        LogKeys.clientAddressDigest: "\(LogPrivacy.addressDigest(clientAddress))",
                        "until": "\(SwitchboardJSON.formatDate(until))",
                    ])
            }
            throw error
        }
    }

    private func checkedSignIn(
        tenantId: String, agentId: String, password: String, metadata: Logger.Metadata
    ) async throws -> SignIn {
        guard AgentAccount.isValidAgentId(agentId),
            let found = try await accounts.account(tenantId: tenantId, agentId: agentId)
        else {
            // As slow as a real check, so the answer's timing does not tell which agent ids exist.
            _ = try await hasher.hash(password)
            metrics.badCredentials.increment()
            logger.notice("Desk sign-in failed", metadata: metadata.merging(["reason": "unknown_account"]) { $1 })
            throw DeskAccountError.badCredentials
        }
        if case .locked(let until) = lockout.decide(found.account, at: now()) {
            metrics.locked.increment()
            logger.notice("Desk sign-in refused", metadata: metadata.merging(["reason": "locked"]) { $1 })
            throw DeskAccountError(.locked, "too many failed sign-ins; try again later", retryAfter: until)
        }
        let matches = try await hasher.verify(password, hash: found.account.passwordHash)
        guard matches else {
            try await recordFailure(tenantId: tenantId, agentId: agentId, metadata: metadata)
            throw DeskAccountError.badCredentials
        }
        guard !found.account.disabled else {
            metrics.disabled.increment()
            logger.notice("Desk sign-in failed", metadata: metadata.merging(["reason": "disabled"]) { $1 })
            throw DeskAccountError.badCredentials
        }
        var account = found.account
        if account.failedSignIns > 0 || account.lockedUntil != nil {
            account = try await modify(tenantId: tenantId, agentId: agentId) { $0 = lockout.succeeded($0) }
        }
        let token = Self.newToken()
        let time = now()
        let session = AgentSessionRecord(
            tokenHash: Self.tokenHash(token), tenantId: tenantId, agentId: agentId, role: account.role,
            createdAt: time, expiresAt: time.addingTimeInterval(sessionLifetime))
        try await sessions.insert(session)
        metrics.success.increment()
        logger.info("Desk sign-in", metadata: metadata.merging(["role": "\(account.role)"]) { $1 })
        return SignIn(token: token, session: session, account: account)
    }

    /// Revokes the session of `token`; an unknown or expired token is not an error.
    public func signOut(token: String) async throws {
        let hash = Self.tokenHash(token)
        if let session = try await sessions.session(tokenHash: hash) {
            try await sessions.delete(tokenHash: hash)
            metrics.signOuts.increment()
            logger.info(
                "Desk sign-out", metadata: ["tenant": "\(session.tenantId)", "agent_id": "\(session.agentId)"])
        }
    }

    /// The principal of a live session token, or nil for an unknown, revoked or expired one.
    public func principal(token: String) async throws -> DeskPrincipal? {
        guard !token.isEmpty, token.utf8.count <= 128 else { return nil }
        guard let session = try await sessions.session(tokenHash: Self.tokenHash(token)), session.expiresAt > now()
        else { return nil }
        return .person(tenantId: session.tenantId, agentId: session.agentId, role: session.role)
    }

    // MARK: - Helpers

    /// Counts a wrong password, locking the account when the policy says so.
    private func recordFailure(tenantId: String, agentId: String, metadata: Logger.Metadata) async throws {
        let time = now()
        var lockedUntil: Date?
        _ = try await modify(tenantId: tenantId, agentId: agentId) { account in
            let before = account.lockedUntil
            account = lockout.failed(account, at: time)
            lockedUntil = account.lockedUntil != before ? account.lockedUntil : nil
        }
        metrics.badCredentials.increment()
        logger.notice("Desk sign-in failed", metadata: metadata.merging(["reason": "bad_password"]) { $1 })
        if let lockedUntil {
            metrics.lockouts.increment()
            logger.warning(
                "Desk account locked after repeated failed sign-ins",
                metadata: metadata.merging(["locked_until": "\(SwitchboardJSON.formatDate(lockedUntil))"]) { $1 })
        }
    }

    /// Applies `change` to the stored account with a conditional write, re-reading on a conflict.
    private func modify(
        tenantId: String, agentId: String, _ change: (inout AgentAccount) -> Void
    ) async throws -> AgentAccount {
        for _ in 0..<5 {
            guard let found = try await accounts.account(tenantId: tenantId, agentId: agentId) else {
                throw DeskAccountError.notFound
            }
            var account = found.account
            change(&account)
            if try await accounts.replace(account, expecting: found.version) { return account }
        }
        throw DeskAccountError.busy
    }

    /// 32 random bytes, base64url without padding: 43 characters, safe in a cookie and a header.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The hex SHA-256 under which a token's session is stored.
    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
