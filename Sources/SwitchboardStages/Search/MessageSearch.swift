public import SwitchboardCore

/// Searches a tenant's messages: resolves the hand-over filter to sessions, then asks the backend.
///
/// Hand-over state lives on `handovers`, one per hand-over, far fewer than messages: the sessions with a
/// hand-over in the state asked for are read first, and the backend keeps to them.
public struct MessageSearch: Sendable {
    let backend: any MessageSearchBackend
    let handovers: HandoverStore
    /// The most sessions a hand-over filter reads.
    static let handoverSessionLimit = 5000

    public init(backend: any MessageSearchBackend, handovers: HandoverStore) {
        self.backend = backend
        self.handovers = handovers
    }

    /// The term-index search of this database.
    public init(database: SwitchboardDatabase) {
        self.init(backend: TermIndexSearch(messages: database.messages), handovers: database.handovers)
    }

    /// The search of this database on its own text index where it has text indexes (creating the index if
    /// needed: MongoDB), and on the term index where it does not (SecantusDB). See ``TextIndexSearch``.
    public static func detecting(database: SwitchboardDatabase) async throws -> MessageSearch {
        let backend: any MessageSearchBackend =
            try await database.messages.createTextSearchIndex()
            ? TextIndexSearch(messages: database.messages) : TermIndexSearch(messages: database.messages)
        return MessageSearch(backend: backend, handovers: database.handovers)
    }

    /// The backend's name (`terms` or `text`).
    public var backendName: String { backend.name }

    /// The best matches of `query` in its tenant, best first.
    public func search(_ query: SearchQuery) async throws -> [SearchHit] {
        var sessionIds: [String]?
        if let state = query.handoverState {
            let records = try await handovers.list(
                tenantId: query.tenantId, status: state, limit: Self.handoverSessionLimit)
            sessionIds = Array(Set(records.map(\.sessionId))).sorted()
            if sessionIds?.isEmpty == true { return [] }
        }
        return try await backend.search(query, sessionIds: sessionIds)
    }
}
