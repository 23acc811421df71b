import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Desk sign-in sessions in MongoDB (`agent_sessions`), keyed by the token's SHA-256. The server deletes
/// expired ones (a TTL index on `expires_at`); until it does, ``DeskAccounts`` ignores them.
public struct AgentSessionStore: AgentSessionStoring {
    struct Document: Codable, Sendable {
        var _id: String
        var tenant_id: String
        var agent_id: String
        var expires_at: Date
        var session: AgentSessionRecord
    }

    private let sessions: MongoCollection<Document>

    init(client: MongoClient) {
        sessions = client.collection("agent_sessions")
    }

    func createIndexes() async throws {
        try await sessions.createIndexes([
            MongoIndex(keys: ["tenant_id": 1, "agent_id": 1], name: "tenant_agent"),
            MongoIndex(keys: ["expires_at": 1], name: "expires", expireAfter: .seconds(0)),
        ])
    }

    public func insert(_ session: AgentSessionRecord) async throws {
        try await sessions.insert(
            Document(
                _id: session.tokenHash, tenant_id: session.tenantId, agent_id: session.agentId,
                expires_at: session.expiresAt, session: session))
    }

    public func session(tokenHash: String) async throws -> AgentSessionRecord? {
        try await sessions.findOne(["_id": .string(tokenHash)])?.session
    }

    public func delete(tokenHash: String) async throws {
        _ = try await sessions.deleteOne(["_id": .string(tokenHash)])
    }

    public func deleteAll(tenantId: String, agentId: String) async throws {
        _ = try await sessions.deleteMany(["tenant_id": .string(tenantId), "agent_id": .string(agentId)])
    }
}
