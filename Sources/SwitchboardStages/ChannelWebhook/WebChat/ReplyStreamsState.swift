/// Who follows which web chat conversation: the state behind ``ReplyStreams``. Pure, so it is tested on its own.
///
/// A browser follows one conversation of one user; a reply goes to every follower of its conversation (one
/// user may have several tabs open). Followers are bounded per conversation, per tenant and in all, so a client
/// that opens streams in a loop can neither grow the table without end nor take every stream from other
/// tenants.
public struct ReplyStreamsState<Follower> {
    /// One user's conversation within a tenant.
    public struct Key: Hashable, Sendable {
        public var tenantId: String
        public var conversationId: String
        public var userId: String

        public init(tenantId: String, conversationId: String, userId: String) {
            self.tenantId = tenantId
            self.conversationId = conversationId
            self.userId = userId
        }
    }

    /// Identifies one follower, for ``unfollow(_:)``.
    public struct Ticket: Hashable, Sendable {
        fileprivate let value: Int
    }

    /// Why a follower was refused.
    public enum Refusal: Error, Sendable, Equatable {
        case conversationFull, tenantFull, processFull
    }

    /// Most followers one conversation may have.
    public let limit: Int
    /// Most followers one tenant may have.
    public let tenantLimit: Int
    /// Most followers in all.
    public let totalLimit: Int
    private var nextTicket = 0
    private var followers: [Key: [Int: Follower]] = [:]
    private var keys: [Int: Key] = [:]
    private var perTenant: [String: Int] = [:]

    public init(limit: Int, tenantLimit: Int = .max, totalLimit: Int = .max) {
        self.limit = limit
        self.tenantLimit = tenantLimit
        self.totalLimit = totalLimit
    }

    /// Followers of `tenantId`'s conversations.
    public func count(tenantId: String) -> Int { perTenant[tenantId] ?? 0 }

    /// Followers in all.
    public var count: Int { keys.count }

    /// Adds `follower` to `key`'s conversation; nil when the conversation, its tenant or the process already
    /// has as many followers as it may.
    public mutating func follow(_ key: Key, with follower: Follower) -> Ticket? {
        try? admit(key, follower)
    }

    /// Adds `follower` to `key`'s conversation, or says which limit refused it.
    public mutating func admit(_ key: Key, _ follower: Follower) throws(Refusal) -> Ticket {
        guard keys.count < totalLimit else { throw .processFull }
        guard count(tenantId: key.tenantId) < tenantLimit else { throw .tenantFull }
        guard followers[key, default: [:]].count < limit else { throw .conversationFull }
        perTenant[key.tenantId, default: 0] += 1
        nextTicket += 1
        followers[key, default: [:]][nextTicket] = follower
        keys[nextTicket] = key
        return Ticket(value: nextTicket)
    }

    /// Removes the follower; returns it, or nil when it was gone already.
    public mutating func unfollow(_ ticket: Ticket) -> Follower? {
        guard let key = keys.removeValue(forKey: ticket.value) else { return nil }
        perTenant[key.tenantId, default: 1] -= 1
        if perTenant[key.tenantId] == 0 { perTenant[key.tenantId] = nil }
        let follower = followers[key]?.removeValue(forKey: ticket.value)
        if followers[key]?.isEmpty == true { followers[key] = nil }
        return follower
    }

    /// The followers of `key`'s conversation, oldest first.
    public func followers(of key: Key) -> [Follower] {
        (followers[key] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }
}
