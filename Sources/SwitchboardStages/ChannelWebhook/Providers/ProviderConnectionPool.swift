import AsyncHTTPClient
public import ServiceLifecycle

/// The connection pool every provider API call of a process goes through (AsyncHTTPClient over
/// swift-nio: no URLSession, no FoundationNetworking).
///
/// channel-webhook runs its pool as the first service of its group, so the group closes it last, once the
/// outbound stage has stopped sending. A pool nobody runs (adapters built by tests or the CLI) closes its
/// connections when the last ``ProviderHTTPClient`` holding it is released: there is no `close()` to forget.
public final class ProviderConnectionPool: Service, Sendable {
    let client: HTTPClient

    /// A pool on swift-nio's shared event loops. Redirects are not followed (a provider API that redirects is
    /// misconfigured, and a redirect must not carry the bearer token elsewhere); response bodies are not
    /// decompressed. Deadlines are per request (``ProviderHTTPClient/timeout``).
    public init() {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Waits for the group's graceful shutdown, then closes the pool's connections.
    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }

    deinit {
        // Not run as a service, or run and already shut down (then this reports `alreadyShutdown`, ignored).
        client.shutdown { _ in }
    }
}
