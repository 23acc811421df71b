import Foundation
public import Hummingbird
public import Logging
import SwitchboardCore

/// The agent desk's HTTP API. Every request is authenticated, and the credential alone decides the tenant
/// and who acts:
///
/// - a signed-in agent or supervisor: `Authorization: Bearer <session token>` (API clients) or the
///   `switchboard_desk` cookie (the web app; its unsafe requests must also carry `X-Desk-Request: 1`, which a
///   cross-site form cannot send);
/// - a machine integration: `Authorization: Bearer <tenant agent key>`; it names the agent in `agent_id`.
///
/// An agent sees the queue and their own conversations; a supervisor all of the tenant's, and manages its
/// accounts. Another tenant's handovers are "not found".
///
/// | route | body | success |
/// |---|---|---|
/// | `POST /api/v1/agent/session` | `{"tenant_id","agent_id","password","cookie"?}` | 200 the session (and its token, or a cookie) |
/// | `GET /api/v1/agent/session` | | 200 who is signed in |
/// | `DELETE /api/v1/agent/session` | | 204, the token is revoked |
/// | `GET /api/v1/agent/events` | | 200 Server-Sent Events (see ``addEventRoutes(to:)``) |
/// | `GET /api/v1/agent/handovers?status=waiting\|claimed\|resolved` | | 200 `{"handovers":[…]}` |
/// | `POST /api/v1/agent/handovers/{id}/claim` | `{"agent_id"?}` | 200 the handover |
/// | `GET /api/v1/agent/handovers/{id}/messages` | | 200 `{"messages":[…]}` |
/// | `GET /api/v1/agent/handovers/{id}/customer` | | 200 the profile and history on every channel |
/// | `POST /api/v1/agent/handovers/{id}/reply` | `{"text"\|"content","client_message_id"?,"agent_id"?}` | 202 `{"message_id"}` |
/// | `POST /api/v1/agent/handovers/{id}/typing` | `{"agent_id"?}` | 202 `{"sent": true\|false}` (false: receipts off, or within 5 s of the last) |
/// | `POST /api/v1/agent/handovers/{id}/transfer` | `{"to_agent_id"?,"note"?,"agent_id"?}` | 200 the handover |
/// | `POST /api/v1/agent/handovers/{id}/resolve` | `{"agent_id"?}` | 200 the handover |
/// | `GET /api/v1/agent/accounts` (supervisor) | | 200 `{"accounts":[…]}` |
/// | `POST /api/v1/agent/accounts` (supervisor) | `{"agent_id","password","role"?,"display_name"?}` | 201 the account |
/// | `POST /api/v1/agent/accounts/{agent}/disable\|enable` (supervisor) | | 200 the account |
/// | `POST /api/v1/agent/accounts/{agent}/password` (supervisor) | `{"password"}` | 200 the account |
/// | `GET /api/v1/agent/customers/{customer}/export` (supervisor) | | 200 everything stored (as the CLI's export) |
/// | `DELETE /api/v1/agent/customers/{customer}` (supervisor) | | 200 `{"deleted":{collection: n},"in_flight_drained"}` |
/// | `GET /api/v1/agent/media/{id}` | | 200 the media's bytes (see ``mediaPath``) |
/// | `GET /api/v1/agent/search?q=&customer=&channel=&since=&until=&intent=&handover_state=&limit=` | | 200 `{"backend","results":[…]}` (see ``searchPath``) |
///
/// `agent_id` in a body is only for integrations: a person always acts as themselves, and a body naming
/// someone else is refused (403). Failures are `{"error": "…"}` with 400 (bad input), 401 (no valid
/// credential), 403 (not allowed for this caller), 404 (unknown handover or account), 409 (the state does
/// not allow it), 429 (account locked, with `Retry-After`), 503 (broker or database unavailable), 500
/// (anything else, logged).
public struct AgentAPI: Sendable {
    /// The path every route lives under.
    public static let basePath = "/api/v1/agent/handovers"
    /// The largest request body accepted.
    public static let maximumBodySize = 64 * 1024
    /// The longest reply text accepted, in characters.
    public static let maximumTextLength = 4096

    let desk: HandoverDesk
    let accounts: DeskAccounts
    let authenticator: DeskAuthenticator
    let hub: DeskLiveHub?
    let logger: Logger
    /// Export and erasure of customers for supervisors; nil: those routes answer 503.
    public var privacy: PrivacyOperations?
    /// Where supervisors' analytics reports are read from; nil: the analytics API answers 503.
    public var analytics: (any AnalyticsStoring)?
    /// Search of the tenant's messages for agents and supervisors; nil: `GET /api/v1/agent/search` answers 503.
    public var search: MessageSearch?
    /// Inbound media for `GET /api/v1/agent/media/{id}`; nil: that route answers 503.
    public var media: MediaStore?

    /// - Parameters:
    ///   - desk: The handover operations.
    ///   - accounts: Desk accounts and sign-in sessions.
    ///   - secrets: Maps agent keys (integrations) to tenants.
    ///   - secureCookie: Whether the sign-in cookie is `Secure` (HTTPS only). Default true.
    ///   - hub: Live events for `GET /api/v1/agent/events`; nil: that route answers 503.
    ///   - logger: Where unexpected failures are logged.
    public init(
        desk: HandoverDesk, accounts: DeskAccounts, secrets: TenantSecrets, secureCookie: Bool = true,
        hub: DeskLiveHub? = nil, logger: Logger
    ) {
        self.desk = desk
        self.accounts = accounts
        self.hub = hub
        self.authenticator = DeskAuthenticator(accounts: accounts, secrets: secrets, secureCookie: secureCookie)
        self.logger = logger
    }

    /// Adds the routes to `router`. Add middleware (such as `HTTPMetricsMiddleware`) first.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        addSessionRoutes(to: router)
        addAccountRoutes(to: router)
        addEventRoutes(to: router)
        addPrivacyRoutes(to: router)
        addAnalyticsRoutes(to: router)
        addSearchRoutes(to: router)
        addMediaRoutes(to: router)
        let handovers = router.group(RouterPath(Self.basePath))
        handovers.get { request, _ in
            await respond(request) { caller in
                let status = try Self.status(from: request)
                let mine = caller.seesEveryConversation || status == .waiting ? nil : caller.agentId
                let list = try await desk.list(tenantId: caller.tenantId, status: status, agentId: mine)
                return .json(.ok, HandoverList(handovers: list))
            }
        }
        handovers.post("{id}/claim") { request, context in
            await respond(request) { caller in
                let body = try await AgentRequestBody.decode(request)
                let record = try await desk.claim(
                    tenantId: caller.tenantId, id: try Self.handoverId(context),
                    agentId: try caller.actingAgent(named: body.validAgentId()))
                return .json(.ok, HandoverSummary(record: record))
            }
        }
        handovers.get("{id}/messages") { request, context in
            await respond(request) { caller in
                let id = try Self.handoverId(context)
                let record = try await desk.handover(tenantId: caller.tenantId, id: id)
                guard caller.canRead(record) else { throw DeskPermissionError.notYours }
                let messages = try await desk.messages(tenantId: caller.tenantId, id: id)
                return .json(.ok, MessageList(messages: messages))
            }
        }
        handovers.get("{id}/customer") { request, context in
            await respond(request) { caller in
                let id = try Self.handoverId(context)
                guard caller.canRead(try await desk.handover(tenantId: caller.tenantId, id: id)) else {
                    throw DeskPermissionError.notYours
                }
                return .json(.ok, try await desk.customer(tenantId: caller.tenantId, id: id))
            }
        }
        handovers.post("{id}/reply") { request, context in
            await respond(request) { caller in
                let body = try await AgentRequestBody.decode(request)
                let envelope = try await desk.reply(
                    tenantId: caller.tenantId, id: try Self.handoverId(context),
                    agentId: try caller.actingAgent(named: body.validAgentId()),
                    content: try body.requireContent(), clientMessageId: try body.validClientMessageId())
                return .json(.accepted, ReplyAccepted(messageId: envelope.id.uuidString.lowercased()))
            }
        }
        handovers.post("{id}/typing") { request, context in
            await respond(request) { caller in
                let body = try await AgentRequestBody.decode(request)
                let sent = try await desk.typing(
                    tenantId: caller.tenantId, id: try Self.handoverId(context),
                    agentId: try caller.actingAgent(named: body.validAgentId()))
                return .json(.accepted, TypingAccepted(sent: sent))
            }
        }
        handovers.post("{id}/transfer") { request, context in
            await respond(request) { caller in
                let body = try await AgentRequestBody.decode(request)
                let target = try body.validTarget()
                if let target, caller.agentId != nil {
                    // People transfer to colleagues with an enabled account of the same tenant.
                    let account = try? await accounts.account(tenantId: caller.tenantId, agentId: target)
                    guard let account, !account.disabled else {
                        throw HandoverDeskError(.notFound, "no enabled agent '\(target)' in this tenant")
                    }
                }
                let record = try await desk.transfer(
                    tenantId: caller.tenantId, id: try Self.handoverId(context),
                    actor: try caller.actingAgent(named: body.validAgentId()), to: target, note: try body.validNote(),
                    overriding: caller.isSupervisor)
                return .json(.ok, HandoverSummary(record: record))
            }
        }
        handovers.post("{id}/resolve") { request, context in
            await respond(request) { caller in
                let body = try await AgentRequestBody.decode(request)
                let record = try await desk.resolve(
                    tenantId: caller.tenantId, id: try Self.handoverId(context),
                    agentId: try caller.actingAgent(named: body.validAgentId()), overriding: caller.isSupervisor)
                return .json(.ok, HandoverSummary(record: record))
            }
        }
    }

    /// Authenticates, runs `body` for the caller, and turns every failure into a JSON error.
    func respond(_ request: Request, _ body: (DeskPrincipal) async throws -> Response) async -> Response {
        let credential: DeskAuthenticator.Credential
        do {
            guard let found = try await authenticator.authenticate(request) else {
                var response = Response.error(.unauthorized, "sign in, or present a valid agent key")
                response.headers[.wwwAuthenticate] = "Bearer realm=\"switchboard-agent\""
                return response
            }
            credential = found
        } catch {
            return failureResponse(error, request: request, tenant: "-")
        }
        if credential.viaCookie, !DeskAuthenticator.isSafe(request.method),
            request.headers[DeskAuthenticator.csrfHeader] != "1"
        {
            return .error(.forbidden, "the desk's requests carry X-Desk-Request: 1")
        }
        do {
            return try await body(credential.principal)
        } catch {
            return failureResponse(error, request: request, tenant: credential.principal.tenantId)
        }
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
