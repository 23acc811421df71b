import Foundation
import Hummingbird
import SwitchboardCore

/// `POST /api/v1/agent/session`: `{"tenant_id","agent_id","password","cookie"?}`.
struct SignInBody: Decodable, Sendable {
    var tenantId: String
    var agentId: String
    var password: String
    /// True for the web app: the token goes into an HttpOnly cookie, not into the body, so no script sees it.
    var cookie: Bool?

    enum CodingKeys: String, CodingKey {
        case password, cookie
        case tenantId = "tenant_id"
        case agentId = "agent_id"
    }
}

/// Who is signed in, and (for API clients) the bearer token.
struct SessionView: Encodable {
    var tenantId: String
    var agentId: String?
    var role: String
    var displayName: String?
    var expiresAt: Date?
    var token: String?

    enum CodingKeys: String, CodingKey {
        case role, token
        case tenantId = "tenant_id"
        case agentId = "agent_id"
        case displayName = "display_name"
        case expiresAt = "expires_at"
    }
}

extension AgentAPI {
    /// The path of the sign-in session.
    public static let sessionPath = "/api/v1/agent/session"

    func addSessionRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.post(RouterPath(Self.sessionPath)) { request, context in
            do {
                let body = try await AgentRequestBody.decodeJSON(SignInBody.self, from: request)
                let address = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
                let signIn = try await accounts.signIn(
                    tenantId: body.tenantId, agentId: body.agentId, password: body.password, clientAddress: address)
                let useCookie = body.cookie ?? false
                var response = Response.json(
                    .ok,
                    SessionView(
                        tenantId: signIn.session.tenantId, agentId: signIn.session.agentId,
                        role: signIn.session.role.rawValue, displayName: signIn.account.displayName,
                        expiresAt: signIn.session.expiresAt, token: useCookie ? nil : signIn.token))
                if useCookie {
                    let maxAge = Int(signIn.session.expiresAt.timeIntervalSince(signIn.session.createdAt))
                    response.setCookie(authenticator.cookie(token: signIn.token, maxAge: maxAge))
                }
                return response
            } catch {
                return failureResponse(error, request: request, tenant: "-")
            }
        }
        router.get(RouterPath(Self.sessionPath)) { request, _ in
            await respond(request) { caller in
                var view = SessionView(tenantId: caller.tenantId, agentId: caller.agentId, role: "integration")
                if case .person(let role) = caller.kind, let agentId = caller.agentId {
                    view.role = role.rawValue
                    view.displayName = try await accounts.account(tenantId: caller.tenantId, agentId: agentId)
                        .displayName
                }
                return .json(.ok, view)
            }
        }
        router.delete(RouterPath(Self.sessionPath)) { request, _ in
            await respond(request) { _ in
                if let credential = try await authenticator.authenticate(request), let token = credential.token {
                    try await accounts.signOut(token: token)
                }
                var response = Response(status: .noContent)
                response.setCookie(authenticator.expiredCookie())
                return response
            }
        }
    }
}
