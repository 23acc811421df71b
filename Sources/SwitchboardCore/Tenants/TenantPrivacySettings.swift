/// A tenant's data-protection settings.
public struct TenantPrivacySettings: Sendable, Hashable, Codable {
    /// Messages (and their delivery records) older than this many days are deleted by the retention sweeper;
    /// nil keeps them. From 1 to 36,500.
    public var retentionDays: Int?

    public init(retentionDays: Int? = nil) {
        self.retentionDays = retentionDays
    }

    enum CodingKeys: String, CodingKey {
        case retentionDays = "retention_days"
    }

    func validate(tenant: String) throws(TenantConfigurationError) {
        if let days = retentionDays, !(1...36_500).contains(days) {
            throw TenantConfigurationError("tenant '\(tenant)': privacy.retention_days must be from 1 to 36500")
        }
    }
}
