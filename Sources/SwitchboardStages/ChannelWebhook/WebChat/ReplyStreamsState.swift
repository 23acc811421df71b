/// Who follows which web chat conversation: the state behind ``ReplyStreams``. Pure, so it is tested on its own.
///
/// A browser follows one conversation of one user; a reply goes to every follower of its conversation (one
/// user may have several tabs open). The number of followers per conversation is bounded so a client that
/// opens streams in a loop cannot grow the table without end.
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

    /// Most followers one conversation may have.
    public let limit: Int
    private var nextTicket = 0
    private var followers: [Key: [Int: Follower]] = [:]
    private var keys: [Int: Key] = [:]

    public init(limit: Int) {
        self.limit = limit
    }

    /// Followers in all.
    public var count: Int { keys.count }

    /// Adds `follower` to `key`'s conversation; nil when it already has ``limit`` followers.
    public mutating func follow(_ key: Key, with follower: Follower) -> Ticket? {
        guard followers[key, default: [:]].count < limit else { return nil }
        nextTicket += 1
        followers[key, default: [:]][nextTicket] = follower
        keys[nextTicket] = key
        return Ticket(value: nextTicket)
    }

    /// Removes the follower; returns it, or nil when it was gone already.
    public mutating func unfollow(_ ticket: Ticket) -> Follower? {
        guard let key = keys.removeValue(forKey: ticket.value) else { return nil }
        let follower = followers[key]?.removeValue(forKey: ticket.value)
        if followers[key]?.isEmpty == true { followers[key] = nil }
        return follower
    }

    /// The followers of `key`'s conversation, oldest first.
    public func followers(of key: Key) -> [Follower] {
        (followers[key] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }
}
