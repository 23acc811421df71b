/// A configuration value for logging, metrics or shutdown that cannot be used. Thrown once, at start-up.
public struct ObservabilityConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The environment variable at fault.
    public var variable: String
    /// What a valid value looks like. Never contains the offending value, which might be a pasted secret.
    public var reason: String

    public init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    public var description: String {
        "invalid \(self.variable): \(self.reason)"
    }
}
