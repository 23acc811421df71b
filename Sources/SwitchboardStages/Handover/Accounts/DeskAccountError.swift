public import Foundation

/// Why an account operation or a sign-in was refused.
public struct DeskAccountError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal. A struct so that kinds can grow.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Bad input: an invalid agent id, a weak password (400).
        public static let invalid = Kind("invalid")
        /// The account exists already (409).
        public static let exists = Kind("exists")
        /// No such account in the tenant (404).
        public static let notFound = Kind("notFound")
        /// Wrong tenant, agent id or password, or a disabled account: all look alike to the caller (401).
        public static let badCredentials = Kind("badCredentials")
        /// Too many failed sign-ins; `retryAfter` tells until when (429).
        public static let locked = Kind("locked")
        /// Another write changed the account meanwhile, repeatedly (503).
        public static let busy = Kind("busy")
    }

    public let kind: Kind
    /// A short reason; never a password or a token.
    public let reason: String
    /// For ``Kind/locked``: when the next attempt may be made.
    public let retryAfter: Date?

    public init(_ kind: Kind, _ reason: String, retryAfter: Date? = nil) {
        self.kind = kind
        self.reason = reason
        self.retryAfter = retryAfter
    }

    public var description: String { "\(kind): \(reason)" }

    static let badCredentials = DeskAccountError(.badCredentials, "wrong tenant, agent id or password")
    static let notFound = DeskAccountError(.notFound, "no such account")
    static let busy = DeskAccountError(.busy, "the account is being changed by another request; try again")
}
