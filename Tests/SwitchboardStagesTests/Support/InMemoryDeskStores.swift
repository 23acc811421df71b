import Foundation
import SwitchboardCore
import SwitchboardStages
import Synchronization

/// Desk accounts in memory, with the same conditional writes as the MongoDB store.
final class InMemoryAgentAccounts: AgentAccountStoring {
    private let state = Mutex<[String: VersionedAgentAccount]>([:])

    func insert(_ account: AgentAccount) async throws -> Bool {
        state.withLock { accounts in
            let key = "\(account.tenantId)/\(account.agentId)"
            guard accounts[key] == nil else { return false }
            accounts[key] = VersionedAgentAccount(account: account, version: 1)
            return true
        }
    }

    func account(tenantId: String, agentId: String) async throws -> VersionedAgentAccount? {
        state.withLock { $0["\(tenantId)/\(agentId)"] }
    }

    func list(tenantId: String) async throws -> [AgentAccount] {
        state.withLock {
            $0.values.map(\.account).filter { $0.tenantId == tenantId }.sorted { $0.agentId < $1.agentId }
        }
    }

    func replace(_ account: AgentAccount, expecting version: Int) async throws -> Bool {
        state.withLock { accounts in
            let key = "\(account.tenantId)/\(account.agentId)"
            guard accounts[key]?.version == version else { return false }
            accounts[key] = VersionedAgentAccount(account: account, version: version + 1)
            return true
        }
    }
}

/// Desk sign-in sessions in memory.
final class InMemoryAgentSessions: AgentSessionStoring {
    private let state = Mutex<[String: AgentSessionRecord]>([:])

    /// Everything stored, to check that no token is.
    var all: [AgentSessionRecord] { state.withLock { Array($0.values) } }

    func insert(_ session: AgentSessionRecord) async throws {
        state.withLock { $0[session.tokenHash] = session }
    }

    func session(tokenHash: String) async throws -> AgentSessionRecord? {
        state.withLock { $0[tokenHash] }
    }

    func delete(tokenHash: String) async throws {
        _ = state.withLock { $0.removeValue(forKey: tokenHash) }
    }

    func deleteAll(tenantId: String, agentId: String) async throws {
        state.withLock { $0 = $0.filter { $0.value.tenantId != tenantId || $0.value.agentId != agentId } }
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) {
        time = Mutex(start)
    }

    var now: Date { time.withLock { $0 } }

    func advance(_ seconds: TimeInterval) {
        time.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
