/// A tenants file or training file is invalid. The description names the tenant/field and problem.
public struct TenantConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
