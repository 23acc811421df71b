public import Hummingbird

/// Lets a chat widget on the business's own site call the web chat API (messages, history, reply stream)
/// across origins. Only origins in ``ChannelWebhookConfiguration/allowedOrigins`` are answered with CORS
/// headers; the provider webhooks and the operations endpoints are never cross-origin.
///
/// A preflight (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is answered 204 here;
/// other requests run on and get `Access-Control-Allow-Origin` added, error answers included, so the
/// widget can read a 401's reason.
public struct WebChatCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Exact origins (`https://shop.example.com`), or `*` for any.
    public let allowedOrigins: Set<String>

    public init(allowedOrigins: [String]) {
        self.allowedOrigins = Set(allowedOrigins)
    }

    /// What a request gets. Pure.
    public enum Decision: Equatable, Sendable {
        /// Not a cross-origin web chat request, or from an origin not allowed: no CORS headers.
        case passThrough
        /// A preflight: answer 204 with these headers.
        case preflight(allowOrigin: String)
        /// Run the request and add `Access-Control-Allow-Origin`.
        case allow(origin: String)
    }

    /// The decision for a request to `path` from `origin` (nil without an `Origin` header).
    public func decision(method: HTTPRequest.Method, path: String, origin: String?, isPreflight: Bool) -> Decision {
        guard let origin, !allowedOrigins.isEmpty, Self.isWebChat(path) else { return .passThrough }
        guard allowedOrigins.contains("*") || allowedOrigins.contains(origin) else { return .passThrough }
        if method == .options && isPreflight { return .preflight(allowOrigin: origin) }
        return .allow(origin: origin)
    }

    /// Whether `path` belongs to the web chat API.
    public static func isWebChat(_ path: String) -> Bool {
        path == "/api/v1/messages" || path.hasPrefix("/api/v1/user/") || path == "/webhooks/rest/webhook"
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let decision = decision(
            method: request.method, path: request.uri.path, origin: request.headers[.origin],
            isPreflight: request.headers[.accessControlRequestMethod] != nil)
        switch decision {
        case .passThrough:
            return try await next(request, context)
        case .preflight(let origin):
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin, .vary: "Origin",
                    .accessControlAllowMethods: "GET, POST, OPTIONS",
                    .accessControlAllowHeaders: "Authorization, Content-Type, X-Api-Key, X-Trace-Id, Last-Event-ID",
                    .accessControlMaxAge: "600",
                ])
        case .allow(let origin):
            var response: Response
            do {
                response = try await next(request, context)
            } catch let error as any HTTPResponseError {
                response = try error.response(from: request, context: context)
            }
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[values: .vary].append("Origin")
            return response
        }
    }
}
