public import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardCore
import SwitchboardMongo

/// Deletes what a tenant keeps no longer: messages older than its `privacy.retention_days`, and erasure
/// records past the fence period (by then nothing of the erased customer is in flight).
///
/// A sweeper rather than a TTL index: retention is per tenant and changes with the tenants file, while a TTL
/// index is one per collection and field. It runs in the session daemon, which writes the messages.
public struct RetentionSweeper: Service {
    /// How long an erasure is remembered: records in flight are handled within minutes, spooled ones within
    /// the spool's bound.
    public static let erasureFence: TimeInterval = 30 * 24 * 3600

    let database: SwitchboardDatabase
    let tenants: TenantDirectory
    let interval: Duration
    let logger: Logger
    let clock: @Sendable () -> Date

    public init(
        database: SwitchboardDatabase, tenants: TenantDirectory, interval: Duration, logger: Logger,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.tenants = tenants
        self.interval = interval
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        await runPeriodically(every: interval, logger: logger, failure: "Retention sweep failed; trying again later") {
            try await self.sweep()
        }
    }

    /// One sweep at the clock's time; returns the messages deleted per tenant.
    @discardableResult
    public func sweep() async throws -> [String: Int] {
        let now = clock()
        var deleted: [String: Int] = [:]
        for tenant in tenants.tenants {
            guard let days = tenant.privacy.retentionDays else { continue }
            let cutoff = now.addingTimeInterval(-Double(days) * 24 * 3600)
            let count = try await database.messages.deleteMessages(tenantId: tenant.id, createdBefore: cutoff)
            deleted[tenant.id] = count
            if count > 0 {
                logger.info(
                    "Messages past retention deleted",
                    metadata: ["tenant": "\(tenant.id)", "count": "\(count)", "retention_days": "\(days)"])
            }
        }
        try await database.erasures.forget(erasedBefore: now.addingTimeInterval(-Self.erasureFence))
        return deleted
    }
}
