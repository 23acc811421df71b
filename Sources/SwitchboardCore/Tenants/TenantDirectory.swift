import Foundation
import Yams

/// All configured tenants, looked up by id. Built once at start-up from the tenants file.
///
/// The file is YAML (JSON works too, it is a YAML subset):
///
/// ```yaml
/// tenants:
///   - id: demo
///     name: Demo Shop
///     idle_timeout_seconds: 1200
///     rules:
///       handover_phrases: ["agent", "human", "talk to a person"]
///       offline_reply: "We are closed."
///       business_hours:
///         time_zone: Europe/Berlin
///         monday: ["09:00-17:00"]
///     nlp:
///       confidence_threshold: 0.5
///       training_file: demo-nlu.yml
/// ```
public struct TenantDirectory: Sendable {
    /// Tenants in file order.
    public let tenants: [TenantConfiguration]
    private let byId: [String: TenantConfiguration]

    /// Creates a directory; throws on duplicate ids or invalid values.
    public init(tenants: [TenantConfiguration]) throws(TenantConfigurationError) {
        var byId: [String: TenantConfiguration] = [:]
        for tenant in tenants {
            try tenant.validate()
            guard byId[tenant.id] == nil else {
                throw TenantConfigurationError("tenant id '\(tenant.id)' appears more than once")
            }
            byId[tenant.id] = tenant
        }
        self.tenants = tenants
        self.byId = byId
    }

    /// Parses a tenants file (YAML or JSON) handed in as a string.
    public init(parsing text: String) throws(TenantConfigurationError) {
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: text)
        } catch let error as DecodingError {
            throw TenantConfigurationError("tenants file is invalid: \(Self.describe(error))")
        } catch {
            throw TenantConfigurationError("tenants file is not valid YAML or JSON")
        }
        try self.init(tenants: file.tenants)
    }

    /// The tenant with `id`, or nil.
    public func tenant(id: String) -> TenantConfiguration? {
        byId[id]
    }

    private struct File: Decodable {
        var tenants: [TenantConfiguration]
    }

    private static func describe(_ error: DecodingError) -> String {
        let path = describeCodingPath
        switch error {
        case .keyNotFound(let key, let context): return "missing '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at '\(path(context.codingPath))'"
        case .dataCorrupted(let context):
            return "bad value at '\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default: return "undecodable"
        }
    }
}
