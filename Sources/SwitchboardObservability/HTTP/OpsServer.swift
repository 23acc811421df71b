public import Hummingbird
public import Logging
public import ServiceLifecycle

/// An HTTP server with only the ops routes (``OpsEndpoints`` behind ``HTTPMetricsMiddleware``), for daemons that
/// have no HTTP API of their own. Run it as one of the daemon's services.
public struct OpsServer: Service {
    /// The interface to listen on. Default `0.0.0.0`.
    public var host: String
    /// The port to listen on; 0 picks a free one. Default 9090.
    public var port: Int
    public var endpoints: OpsEndpoints
    public var httpMetrics: HTTPMetrics
    public var logger: Logger

    /// - Parameters:
    ///   - host: The interface to listen on.
    ///   - port: The port to listen on.
    ///   - endpoints: The routes to serve.
    ///   - httpMetrics: Where responses are counted. Default the global metrics system.
    ///   - logger: The daemon's logger.
    public init(
        host: String = "0.0.0.0",
        port: Int = 9090,
        endpoints: OpsEndpoints,
        httpMetrics: HTTPMetrics = HTTPMetrics(),
        logger: Logger
    ) {
        self.host = host
        self.port = port
        self.endpoints = endpoints
        self.httpMetrics = httpMetrics
        self.logger = logger
    }

    /// The Hummingbird application this server runs; tests drive it with HummingbirdTesting.
    public func makeApplication() -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: HTTPMetricsMiddleware(metrics: self.httpMetrics))
        self.endpoints.addRoutes(to: router)
        return Application(
            router: router,
            server: SwitchboardHTTPServer.http1(),
            configuration: ApplicationConfiguration(address: .hostname(self.host, port: self.port)),
            logger: self.logger
        )
    }

    public func run() async throws {
        try await self.makeApplication().run()
    }
}
