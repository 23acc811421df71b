/// How bot engines and intent actions reach HTTP servers: one request with a deadline. Tests can pass an
/// in-memory one; daemons use ``PooledBotHTTPTransport``.
public protocol BotHTTPTransport: Sendable {
    /// Sends `request`, with `timeout` for the whole exchange; throws when no complete answer came back.
    func send(_ request: ProviderHTTPRequest, timeout: Duration) async throws -> ProviderHTTPResponse

    /// Sends `request` and hands a 2xx answer's body to `receive` as it arrives (the returned response's body
    /// is then empty); other answers come back whole. The default reads the whole answer with ``send(_:timeout:)``
    /// and hands it over in one piece.
    func stream(
        _ request: ProviderHTTPRequest, timeout: Duration,
        receive: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws -> ProviderHTTPResponse
}

extension BotHTTPTransport {
    public func stream(
        _ request: ProviderHTTPRequest, timeout: Duration,
        receive: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws -> ProviderHTTPResponse {
        let response = try await send(request, timeout: timeout)
        guard response.isSuccess else { return response }
        try await receive(response.body)
        return ProviderHTTPResponse(status: response.status, headers: response.headers)
    }
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

    public func stream(
        _ request: ProviderHTTPRequest, timeout: Duration,
        receive: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws -> ProviderHTTPResponse {
        try await ProviderHTTPClient(timeout: timeout, pool: pool).stream(request, receive: receive)
    }
}
