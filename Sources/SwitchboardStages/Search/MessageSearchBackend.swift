public import SwitchboardCore

/// Where a search runs: the pipeline-maintained term index (``TermIndexSearch``), or a database text index where
/// the database has one. Every backend scopes every read by the query's tenant.
public protocol MessageSearchBackend: Sendable {
    /// How the backend is named in responses and logs (`terms`).
    var name: String { get }
    /// The best matches of `query`, best first; with `sessionIds`, only messages of those sessions.
    func search(_ query: SearchQuery, sessionIds: [String]?) async throws -> [SearchHit]
}
