import Foundation
public import Hummingbird
public import Logging
import SwitchboardCore

/// The agent desk's HTTP API, authenticated per tenant with `Authorization: Bearer <agent key>`: the key
/// decides the tenant, so an agent never sees another tenant's handovers (they are "not found").
///
/// | route | body | success |
/// |---|---|---|
/// | `GET /api/v1/agent/handovers?status=waiting\|claimed\|resolved` | | 200 `{"handovers":[…]}` |
/// | `POST /api/v1/agent/handovers/{id}/claim` | `{"agent_id"}` | 200 the handover |
/// | `GET /api/v1/agent/handovers/{id}/messages` | | 200 `{"messages":[…]}` |
/// | `POST /api/v1/agent/handovers/{id}/reply` | `{"agent_id","text","client_message_id"?}` | 202 `{"message_id"}` |
/// | `POST /api/v1/agent/handovers/{id}/resolve` | `{"agent_id"}` | 200 the handover |
///
/// Failures are `{"error": "…"}` with 400 (bad input), 401 (bad key), 404 (unknown handover), 409 (the
/// handover's state does not allow it), 503 (broker or database unavailable), 500 (anything else, logged).
public struct AgentAPI: Sendable {
    /// The path every route lives under.
    public static let basePath = "/api/v1/agent/handovers"
    /// The largest request body accepted.
    public static let maximumBodySize = 64 * 1024
    /// The longest reply text accepted, in characters.
    public static let maximumTextLength = 4096

    private let desk: HandoverDesk
    private let secrets: TenantSecrets
    let logger: Logger

    /// - Parameters:
    ///   - desk: The handover operations.
    ///   - secrets: Maps agent keys to tenants.
    ///   - logger: Where unexpected failures are logged.
    public init(desk: HandoverDesk, secrets: TenantSecrets, logger: Logger) {
        self.desk = desk
        self.secrets = secrets
        self.logger = logger
    }

    /// Adds the routes to `router`. Add middleware (such as `HTTPMetricsMiddleware`) first.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let handovers = router.group(RouterPath(Self.basePath))
        handovers.get { request, _ in
            await respond(request) { tenant in
                let status = try Self.status(from: request)
                return .json(.ok, HandoverList(handovers: try await desk.list(tenantId: tenant, status: status)))
            }
        }
        handovers.post("{id}/claim") { request, context in
            await respond(request) { tenant in
                let body = try await AgentRequestBody.decode(request)
                let record = try await desk.claim(
                    tenantId: tenant, id: try Self.handoverId(context), agentId: try body.requireAgentId())
                return .json(.ok, HandoverSummary(record: record))
            }
        }
        handovers.get("{id}/messages") { request, context in
            await respond(request) { tenant in
                let messages = try await desk.messages(tenantId: tenant, id: try Self.handoverId(context))
                return .json(.ok, MessageList(messages: messages))
            }
        }
        handovers.post("{id}/reply") { request, context in
            await respond(request) { tenant in
                let body = try await AgentRequestBody.decode(request)
                let envelope = try await desk.reply(
                    tenantId: tenant, id: try Self.handoverId(context), agentId: try body.requireAgentId(),
                    text: try body.requireText(), clientMessageId: try body.validClientMessageId())
                return .json(.accepted, ReplyAccepted(messageId: envelope.id.uuidString.lowercased()))
            }
        }
        handovers.post("{id}/resolve") { request, context in
            await respond(request) { tenant in
                let body = try await AgentRequestBody.decode(request)
                let record = try await desk.resolve(
                    tenantId: tenant, id: try Self.handoverId(context), agentId: try body.requireAgentId())
                return .json(.ok, HandoverSummary(record: record))
            }
        }
    }

    /// Authenticates, runs `body` for the key's tenant, and turns every failure into a JSON error.
    private func respond(_ request: Request, _ body: (String) async throws -> Response) async -> Response {
        guard let tenant = tenant(of: request) else {
            var response = Response.error(.unauthorized, "a valid agent key is required")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"switchboard-agent\""
            return response
        }
        do {
            return try await body(tenant)
        } catch {
            return failureResponse(error, request: request, tenant: tenant)
        }
    }

    private func tenant(of request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return secrets.tenant(forAgentKey: String(parts[1]).trimmingCharacters(in: .whitespaces))
    }

    private static func status(from request: Request) throws -> HandoverRecord.Status {
        guard let text = request.uri.queryParameters["status"] else { return .waiting }
        guard let status = HandoverRecord.Status(rawValue: String(text)) else {
            throw HandoverDeskError(.badRequest, "status must be waiting, claimed or resolved")
        }
        return status
    }

    private static func handoverId(_ context: some RequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty, id.count <= 128 else {
            throw HandoverDeskError(.badRequest, "handover id is invalid")
        }
        return id
    }
}
