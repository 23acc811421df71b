public import Hummingbird

/// Counts every response in ``HTTPMetrics`` by route pattern and status.
///
/// The route is the pattern Hummingbird matched (`/webhooks/{channel}`), never the raw path, so label
/// cardinality stays bounded; requests that matched no route are counted as `unmatched`. Thrown errors are
/// counted with the status they will be answered with (500 for errors that carry none).
///
/// Add it to the router before the routes it should see.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The `route` label of requests no route matched.
    public static var unmatchedRoute: String { "unmatched" }

    private let metrics: HTTPMetrics

    public init(metrics: HTTPMetrics) {
        self.metrics = metrics
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            self.metrics.recordResponse(route: Self.route(of: context), status: response.status.code)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            self.metrics.recordResponse(route: Self.route(of: context), status: status.code)
            throw error
        }
    }

    private static func route(of context: Context) -> String {
        // Hummingbird's not-found responder sets the endpoint path to "NotFound"; matched routes start with "/".
        guard let path = context.endpointPath, path.hasPrefix("/") else {
            return Self.unmatchedRoute
        }
        return path
    }
}
