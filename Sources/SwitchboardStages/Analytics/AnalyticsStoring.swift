public import Foundation
public import SwitchboardCore

/// Where analytics keeps its facts: the database, or memory in unit tests.
public protocol AnalyticsStoring: Sendable {
    /// Stores the record facts not stored yet and applies the session changes, in as few round trips as it
    /// can. Returns the facts that were new (the ones to count in metrics).
    func record(
        _ facts: [AnalyticsRecordFact], sessions: [AnalyticsSessionChange]
    ) async throws
        -> [AnalyticsRecordFact]

    /// Deletes the session facts of a customer (erased while a batch about them was being written).
    func removeSessions(tenantId: String, customerId: String) async throws

    /// The facts a report of `tenantId` from `since` to `until` reads.
    func facts(
        tenantId: String, since: Date, until: Date
    ) async throws
        -> (records: [AnalyticsRecordFact], sessions: [AnalyticsSessionFact])
}

extension AnalyticsStoring {
    /// The tenant's report of `since..<until`.
    public func report(tenantId: String, since: Date, until: Date) async throws -> AnalyticsReport {
        let (records, sessions) = try await facts(tenantId: tenantId, since: since, until: until)
        return AnalyticsReport(tenantId: tenantId, since: since, until: until, records: records, sessions: sessions)
    }
}
