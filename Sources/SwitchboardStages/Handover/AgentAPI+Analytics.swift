import Foundation
import Hummingbird
import SwitchboardCore

extension AgentAPI {
    /// Where a supervisor reads their tenant's analytics: `GET ?since=7d` (a duration back from now, or a UTC
    /// day `2026-12-01`; default `7d`) returns an ``AnalyticsReport`` up to now.
    public static let analyticsPath = "/api/v1/agent/analytics"

    func addAnalyticsRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get(RouterPath(Self.analyticsPath)) { request, _ in
            await supervisor(request) { caller in
                guard let analytics else { return .error(.serviceUnavailable, "analytics is not available here") }
                let now = Date()
                let text = request.uri.queryParameters["since"].map(String.init) ?? "7d"
                guard let since = AnalyticsWindow.since(text, now: now) else {
                    return .error(.badRequest, "since must be like 7d, 24h, 90m or a day 2026-12-01, within 366 days")
                }
                // The caller's tenant only: another tenant's facts are never read.
                let report = try await analytics.report(tenantId: caller.tenantId, since: since, until: now)
                return .json(.ok, report)
            }
        }
    }
}
