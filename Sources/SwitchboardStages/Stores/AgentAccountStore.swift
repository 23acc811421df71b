import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Desk accounts in MongoDB (`agent_accounts`), one document per tenant and agent id.
public struct AgentAccountStore: AgentAccountStoring {
    struct Document: Codable, Sendable {
        var _id: String
        var tenant_id: String
        var agent_id: String
        var version: Int
        var account: AgentAccount

        init(_ account: AgentAccount, version: Int) {
            _id = AgentAccountStore.documentId(tenantId: account.tenantId, agentId: account.agentId)
            tenant_id = account.tenantId
            agent_id = account.agentId
            self.version = version
            self.account = account
        }
    }

    private let accounts: MongoCollection<Document>

    init(client: MongoClient) {
        accounts = client.collection("agent_accounts")
    }

    func createIndexes() async throws {
        try await accounts.createIndexes([MongoIndex(keys: ["tenant_id": 1, "agent_id": 1], name: "tenant_agent")])
    }

    /// Tenant ids cannot contain `/`, so the pair is unique.
    static func documentId(tenantId: String, agentId: String) -> String { "\(tenantId)/\(agentId)" }

    public func insert(_ account: AgentAccount) async throws -> Bool {
        do {
            try await accounts.insert(Document(account, version: 1))
            return true
        } catch  where error.code == .duplicateKey {
            return false
        }
    }

    public func account(tenantId: String, agentId: String) async throws -> VersionedAgentAccount? {
        let id = Self.documentId(tenantId: tenantId, agentId: agentId)
        guard let document = try await accounts.findOne(["_id": .string(id)]) else { return nil }
        return VersionedAgentAccount(account: document.account, version: document.version)
    }

    public func list(tenantId: String) async throws -> [AgentAccount] {
        try await accounts.find(["tenant_id": .string(tenantId)], sort: ["agent_id": 1], limit: 1000).map(\.account)
    }

    public func replace(_ account: AgentAccount, expecting version: Int) async throws -> Bool {
        let id = Self.documentId(tenantId: account.tenantId, agentId: account.agentId)
        let result = try await accounts.replaceOne(
            filter: ["_id": .string(id), "version": .int64(Int64(version))],
            replacement: Document(account, version: version + 1))
        return result.matchedCount > 0
    }
}
