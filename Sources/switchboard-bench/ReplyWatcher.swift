import Foundation
import SwitchboardMongo
import Synchronization

/// Polls MongoDB's `messages` collection for the stored replies to the messages a benchmark sent.
final class ReplyWatcher: Sendable {
    /// The fields of a stored outbound message the benchmark reads.
    struct StoredReply: Codable, Sendable {
        var reply_to: String?
        var created_at: Date
        var status: String?
    }

    /// A reply found in the store.
    struct Found: Sendable {
        var messageId: String
        var sentAt: Date
        var storedAt: Date
    }

    private struct State {
        var pending: [String: Date] = [:]
        var found: [Found] = []
    }

    private let state = Mutex(State())
    private let collection: MongoCollection<StoredReply>
    private let tenant: String

    init(client: MongoClient, tenant: String) {
        self.collection = client.collection("messages", as: StoredReply.self)
        self.tenant = tenant
    }

    /// Watch for the reply to `messageId`, sent at `sentAt`.
    func expect(_ messageId: String, sentAt: Date) {
        state.withLock { $0.pending[messageId] = sentAt }
    }

    var pendingCount: Int { state.withLock { $0.pending.count } }
    var found: [Found] { state.withLock { $0.found } }

    /// One look at the store for the pending replies (in chunks, by the `reply_to` index).
    func poll() async throws {
        let pending = state.withLock { Array($0.pending.keys) }
        for start in stride(from: 0, to: pending.count, by: 200) {
            let ids = pending[start..<min(start + 200, pending.count)].map { MongoValue.string($0) }
            // By the reply_to index alone (only replies carry reply_to; the ids are this run's envelopes).
            let replies = try await collection.find(["reply_to": ["$in": .array(ids)]])
            state.withLock { state in
                for reply in replies {
                    guard let id = reply.reply_to, let sentAt = state.pending.removeValue(forKey: id) else { continue }
                    state.found.append(Found(messageId: id, sentAt: sentAt, storedAt: reply.created_at))
                }
            }
        }
    }
}
