import Foundation
import Hummingbird
import SwitchboardCore

/// `GET /api/v1/agent/search`: what was found, best first, and which index answered.
struct SearchResultsView: Encodable {
    var backend: String
    var results: [SearchHit]
}

extension AgentAPI {
    /// Where agents and supervisors search their tenant's messages.
    ///
    /// `GET /api/v1/agent/search?q=TEXT&customer=&channel=&since=&until=&intent=&handover_state=&limit=`:
    /// `since` and `until` are ISO 8601 times, `handover_state` one of `waiting`, `claimed`, `resolved`, `limit`
    /// 1...100 (default 20). The tenant is always the caller's; `q` may be empty when `customer` or `intent` is
    /// given.
    public static let searchPath = "/api/v1/agent/search"

    func addSearchRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get(RouterPath(Self.searchPath)) { request, _ in
            await respond(request) { caller in
                guard let search else { return .error(.serviceUnavailable, "search is not available here") }
                let query = try Self.searchQuery(request, tenantId: caller.tenantId)
                let hits = try await search.search(query)
                return .json(.ok, SearchResultsView(backend: search.backendName, results: hits))
            }
        }
    }

    /// The query a request's parameters describe, in the caller's tenant.
    static func searchQuery(_ request: Request, tenantId: String) throws -> SearchQuery {
        let parameters = request.uri.queryParameters
        func text(_ name: String, maximum: Int = 256) throws -> String? {
            guard let value = parameters[name[...]].map(String.init), !value.isEmpty else { return nil }
            guard value.count <= maximum else { throw HandoverDeskError(.badRequest, "\(name) is too long") }
            return value
        }
        func time(_ name: String) throws -> Date? {
            guard let value = try text(name, maximum: 64) else { return nil }
            guard let date = SwitchboardJSON.parseDate(value) else {
                throw HandoverDeskError(.badRequest, "\(name) must be an ISO 8601 time")
            }
            return date
        }
        var state: HandoverRecord.Status?
        if let value = try text("handover_state", maximum: 16) {
            guard let parsed = HandoverRecord.Status(rawValue: value) else {
                throw HandoverDeskError(.badRequest, "handover_state must be waiting, claimed or resolved")
            }
            state = parsed
        }
        var limit = 20
        if let value = try text("limit", maximum: 8) {
            guard let parsed = Int(value), (1...SearchQuery.maximumLimit).contains(parsed) else {
                throw HandoverDeskError(.badRequest, "limit must be 1...\(SearchQuery.maximumLimit)")
            }
            limit = parsed
        }
        let query = SearchQuery(
            tenantId: tenantId, text: try text("q") ?? "", customerId: try text("customer", maximum: 128),
            channel: try text("channel", maximum: 32), since: try time("since"), until: try time("until"),
            intent: try text("intent", maximum: 128), handoverState: state, limit: limit)
        // The other filters narrow; alone they would read the tenant's whole index.
        guard !query.terms.isEmpty || query.customerId != nil || query.intent != nil else {
            throw HandoverDeskError(.badRequest, "give words to find (q), or a customer or an intent")
        }
        return query
    }
}
