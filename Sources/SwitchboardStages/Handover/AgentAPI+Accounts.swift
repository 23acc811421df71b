import Foundation
import Hummingbird
import SwitchboardCore

/// `POST /api/v1/agent/accounts`: `{"agent_id","password","role"?,"display_name"?}`.
struct CreateAccountBody: Decodable, Sendable {
    var agentId: String
    var password: String
    var role: AgentRole?
    var displayName: String?

    enum CodingKeys: String, CodingKey {
        case password, role
        case agentId = "agent_id"
        case displayName = "display_name"
    }
}

/// `POST /api/v1/agent/accounts/{agent}/password`: `{"password"}`.
struct PasswordBody: Decodable, Sendable {
    var password: String
}

/// An account as the API shows it: never its password hash.
struct AccountView: Encodable {
    var tenantId: String
    var agentId: String
    var displayName: String
    var role: String
    var disabled: Bool
    var lockedUntil: Date?
    var createdAt: Date

    init(_ account: AgentAccount) {
        tenantId = account.tenantId
        agentId = account.agentId
        displayName = account.displayName
        role = account.role.rawValue
        disabled = account.disabled
        lockedUntil = account.lockedUntil
        createdAt = account.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case role, disabled
        case tenantId = "tenant_id"
        case agentId = "agent_id"
        case displayName = "display_name"
        case lockedUntil = "locked_until"
        case createdAt = "created_at"
    }
}

struct AccountList: Encodable {
    var accounts: [AccountView]
}

extension AgentAPI {
    /// The path of account management (supervisors only).
    public static let accountsPath = "/api/v1/agent/accounts"

    func addAccountRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = router.group(RouterPath(Self.accountsPath))
        group.get { request, _ in
            await supervisor(request) { caller in
                .json(
                    .ok, AccountList(accounts: try await accounts.list(tenantId: caller.tenantId).map(AccountView.init))
                )
            }
        }
        group.post { request, _ in
            await supervisor(request) { caller in
                let body = try await AgentRequestBody.decodeJSON(CreateAccountBody.self, from: request)
                let account = try await accounts.create(
                    tenantId: caller.tenantId, agentId: body.agentId, displayName: body.displayName,
                    role: body.role ?? .agent, password: body.password)
                return .json(.created, AccountView(account))
            }
        }
        for (action, disabled) in [("disable", true), ("enable", false)] {
            group.post("{agent}/\(action)") { request, context in
                await supervisor(request) { caller in
                    let account = try await accounts.setDisabled(
                        disabled, tenantId: caller.tenantId, agentId: try Self.agentParameter(context))
                    return .json(.ok, AccountView(account))
                }
            }
        }
        group.post("{agent}/password") { request, context in
            await supervisor(request) { caller in
                let body = try await AgentRequestBody.decodeJSON(PasswordBody.self, from: request)
                let account = try await accounts.resetPassword(
                    tenantId: caller.tenantId, agentId: try Self.agentParameter(context), password: body.password)
                return .json(.ok, AccountView(account))
            }
        }
    }

    func supervisor(_ request: Request, _ body: (DeskPrincipal) async throws -> Response) async -> Response {
        await respond(request) { caller in
            guard caller.isSupervisor else { throw DeskPermissionError.supervisorOnly }
            return try await body(caller)
        }
    }

    private static func agentParameter(_ context: some RequestContext) throws -> String {
        guard let id = context.parameters.get("agent"), AgentAccount.isValidAgentId(id) else {
            throw DeskAccountError.notFound
        }
        return id
    }
}
