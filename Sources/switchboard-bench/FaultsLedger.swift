import Foundation
import SwitchboardMongo
import Synchronization

/// Where each message of a scenario got to: stored in `messages`, its replies stored, its WhatsApp reply sent
/// to the vendor. Reads the store by the `_id` and `reply_to` indexes, in chunks.
final class FaultsLedger: Sendable {
    /// The fields of a stored message the suite reads.
    struct Stored: Codable, Sendable {
        var _id: String
        var reply_to: String?
        var status: String?
        var error: String?
        var created_at: Date?
    }

    /// One message's fate.
    struct Fate: Sendable {
        var stored = false
        /// The distinct replies stored with `reply_to` = the message's id.
        var replies: [Stored] = []
        /// Sends the vendor accepted to the WhatsApp customer.
        var sends: [FaultsVendor.Send] = []
    }

    let messages: [FaultsMessage]
    private let collection: MongoCollection<Stored>
    private let vendor: FaultsVendor
    private let state: Mutex<[String: Fate]>

    init(messages: [FaultsMessage], client: MongoClient, vendor: FaultsVendor) {
        self.messages = messages
        self.collection = client.collection("messages", as: Stored.self)
        self.vendor = vendor
        state = Mutex(Dictionary(messages.map { ($0.id, Fate()) }, uniquingKeysWith: { first, _ in first }))
    }

    /// Each message's fate so far, by id.
    var fates: [String: Fate] { state.withLock { $0 } }

    /// Whether the message reached its customer: its reply stored and, for WhatsApp, sent to the vendor (a
    /// web chat reply is delivered when it is stored: the browser reads it from the store or the stream).
    func isReplied(_ message: FaultsMessage) -> Bool {
        guard let fate = state.withLock({ $0[message.id] }), !fate.replies.isEmpty else { return false }
        return message.channel == .webchat || !fate.sends.isEmpty
    }

    /// Stored and replied.
    func isComplete(_ message: FaultsMessage) -> Bool {
        (state.withLock { $0[message.id]?.stored } ?? false) && isReplied(message)
    }

    /// When the customer got the reply: the vendor's first accepted send, or the web chat reply's `created_at`.
    func replyTime(_ message: FaultsMessage) -> Date? {
        guard isReplied(message), let fate = state.withLock({ $0[message.id] }) else { return nil }
        if message.channel == .whatsapp { return fate.sends.first?.at }
        return fate.replies.compactMap(\.created_at).min()
    }

    /// Accepted messages not yet complete.
    var pending: [FaultsMessage] { messages.filter { $0.accepted && !isComplete($0) } }

    /// Looks up `subset` (default: the accepted messages not complete yet) in the store and at the vendor;
    /// how many became complete.
    @discardableResult
    func refresh(_ subset: [FaultsMessage]? = nil) async throws -> Int {
        let look = subset ?? pending
        let before = look.filter(isComplete).count
        let known = fates
        let needStored = look.filter { !(known[$0.id]?.stored ?? false) }.map(\.id)
        for chunk in Self.chunks(needStored) {
            let found = try await collection.find(
                ["_id": ["$in": .array(chunk.map { .string($0) })]], projection: ["_id": 1], as: Stored.self)
            state.withLock { fates in for document in found { fates[document._id]?.stored = true } }
        }
        // Following the pending ones, a message whose reply is known needs no second look; the last look at
        // every message (a subset given) reads all replies again, to find the second ones.
        let needReplies = subset == nil ? look.filter { known[$0.id]?.replies.isEmpty ?? true } : look
        if let earliest = needReplies.map(\.due).min() {
            // One read of the replies created since the earliest message was due, matched here: SecantusDB
            // answers `reply_to: {$in: [...]}` by scanning the collection once per value (36 s for 500 values
            // among 22,000 messages, which held up the pipeline the suite measures).
            let replies = try await collection.find(
                ["direction": "outbound", "created_at": ["$gte": .date(earliest.addingTimeInterval(-60))]],
                projection: ["_id": 1, "reply_to": 1, "status": 1, "error": 1, "created_at": 1], as: Stored.self)
            var byMessage: [String: [Stored]] = [:]
            for reply in replies { if let to = reply.reply_to { byMessage[to, default: []].append(reply) } }
            let ids = needReplies.map(\.id)
            state.withLock { fates in for id in ids { fates[id]?.replies = byMessage[id] ?? [] } }
        }
        for message in look where message.channel == .whatsapp {
            guard let recipient = message.recipient else { continue }
            let sends = vendor.sends(to: recipient)
            state.withLock { $0[message.id]?.sends = sends }
        }
        return look.filter(isComplete).count - before
    }

    private static func chunks(_ ids: [String]) -> [[String]] {
        stride(from: 0, to: ids.count, by: 300).map { Array(ids[$0..<min($0 + 300, ids.count)]) }
    }
}
