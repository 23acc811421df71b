/// Why an agent's request was refused; each kind is one HTTP status of the agent API.
public struct HandoverDeskError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal. A struct so that kinds can grow.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The request is malformed or misses a field (400).
        public static let badRequest = Kind("badRequest")
        /// No valid agent key was presented (401).
        public static let unauthorized = Kind("unauthorized")
        /// No such handover for this tenant (404).
        public static let notFound = Kind("notFound")
        /// The request body did not arrive in time (408).
        public static let requestTimeout = Kind("requestTimeout")
        /// The handover's state does not allow this (409).
        public static let conflict = Kind("conflict")
        /// The broker or the database did not take the change; trying again may work (503).
        public static let unavailable = Kind("unavailable")
    }

    /// The kind of refusal.
    public let kind: Kind
    /// A short reason for the agent; never message content or credentials.
    public let reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "\(kind): \(reason)" }

    static let notFound = HandoverDeskError(.notFound, "handover not found")

    static let brokerUnavailable = HandoverDeskError(
        .unavailable, "the message broker did not acknowledge the change; try again")
}
