import Foundation
import HTTPTypes
import Hummingbird
import SwitchboardCore

/// Turns a request's credential into a ``DeskPrincipal``: a bearer agent key (an integration), a bearer
/// session token, or the web app's session cookie.
struct DeskAuthenticator: Sendable {
    /// The web app's session cookie.
    static let cookieName = "switchboard_desk"
    /// The header every unsafe cookie-authenticated request must carry (`1`): a cross-site form cannot set
    /// it, and a cross-site script cannot send it without a CORS preflight this server never allows.
    static let csrfHeader = HTTPField.Name("X-Desk-Request")!

    let accounts: DeskAccounts
    let secrets: TenantSecrets
    let secureCookie: Bool

    struct Credential {
        var principal: DeskPrincipal
        /// Authenticated by the cookie: unsafe requests need the CSRF header.
        var viaCookie: Bool
        /// The session token presented, if any (an agent key is not one).
        var token: String?
    }

    func authenticate(_ request: Request) async throws -> Credential? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            let presented = String(parts[1]).trimmingCharacters(in: .whitespaces)
            if let tenant = secrets.tenant(forAgentKey: presented) {
                return Credential(
                    principal: DeskPrincipal(tenantId: tenant, agentId: nil, kind: .integration), viaCookie: false,
                    token: nil)
            }
            guard let principal = try await accounts.principal(token: presented) else { return nil }
            return Credential(principal: principal, viaCookie: false, token: presented)
        }
        guard let token = request.cookies[Self.cookieName]?.value,
            let principal = try await accounts.principal(token: token)
        else { return nil }
        return Credential(principal: principal, viaCookie: true, token: token)
    }

    /// The cookie that carries a new session to the web app: HttpOnly, SameSite=Strict, for the whole site.
    func cookie(token: String, maxAge: Int) -> Cookie {
        Cookie(
            name: Self.cookieName, value: token, maxAge: maxAge, path: "/", secure: secureCookie, httpOnly: true,
            sameSite: .strict)
    }

    /// The cookie that removes the session cookie.
    func expiredCookie() -> Cookie {
        Cookie(
            name: Self.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookie, httpOnly: true,
            sameSite: .strict)
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }
}
