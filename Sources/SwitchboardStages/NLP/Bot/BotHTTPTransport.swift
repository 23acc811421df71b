/// How bot engines and intent actions reach HTTP servers: one request with a deadline. Tests can pass an
/// in-memory one; daemons use ``PooledBotHTTPTransport``.
public protocol BotHTTPTransport: Sendable {
    /// Sends `request`, with `timeout` for the whole exchange; throws when no complete answer came back.
    func send(_ request: ProviderHTTPRequest, timeout: Duration) async throws -> ProviderHTTPResponse
}

/// AsyncHTTPClient through a connection pool (``ProviderHTTPClient``: no redirects, a deadline covering the
/// body too, answers up to 1 MiB).
public struct PooledBotHTTPTransport: BotHTTPTransport {
    let pool: ProviderConnectionPool

    public init(pool: ProviderConnectionPool = ProviderConnectionPool()) {
        self.pool = pool
    }

    public func send(_ request: ProviderHTTPRequest, timeout: Duration) async throws -> ProviderHTTPResponse {
        try await ProviderHTTPClient(timeout: timeout, pool: pool).send(request)
    }
}
