public import Foundation
public import SwitchboardCore

/// What the session stage needs of the database, in bulk: one call per batch and collection.
public protocol SessionStoring: Sendable {
    /// The open sessions of these customers (the latest one when a customer has several).
    func openSessions(customerIds: [String]) async throws -> [SessionRecord]
    /// Where these messages (by envelope id) were stored, for those that were.
    func placements(messageIds: [String]) async throws -> [String: MessagePlacement]
    /// Per session, the highest sequence number and the latest time among its stored messages: what a session
    /// stage that just took over a customer needs, since the session document is written only now and then.
    func lastPlaced(sessions: [SessionRecord]) async throws -> [String: MessagePlacement.Latest]
    /// The human owners of those of these sessions that humans own.
    func humanOwners(sessionIds: [String]) async throws -> [String: SessionOwner]
    /// Creates, advances and expires sessions in one bulk write. False when a session to advance was no
    /// longer open (another writer expired it): nothing of the batch may be stored then.
    func apply(_ writes: SessionWrites) async throws -> Bool
    /// Stores messages in one bulk write; returns the positions of those already stored (redelivered).
    func insertMessages(_ messages: [MessageStore.StoredMessage]) async throws -> [Int]
    /// The satisfaction surveys waiting for these customers' answers (by ``CSATSurvey/key(tenantId:customerId:)``).
    func pendingSurveys(keys: [String]) async throws -> [String: CSATSurvey]
    /// Marks surveys (by key) taken by the message (id) that answers them.
    func takeSurveys(_ answers: [String: String]) async throws
}

/// A stored message's place: its session and sequence number, and the session events placing it raised.
public struct MessagePlacement: Sendable, Hashable {
    public var sessionId: String
    public var sequence: Int64?
    /// `session_started` (and `session_expired` of the session it followed) when this message started a
    /// session: a redelivery emits them again, with the same ids.
    public var events: [SwitchboardEvent] = []

    /// The latest stored message of a session: its highest sequence number and when it was stored.
    public struct Latest: Sendable, Hashable {
        public var sequence: Int64
        public var at: Date

        public init(sequence: Int64, at: Date) {
            self.sequence = sequence
            self.at = at
        }
    }

    public init(sessionId: String, sequence: Int64?, events: [SwitchboardEvent] = []) {
        self.sessionId = sessionId
        self.sequence = sequence
        self.events = events
    }
}

/// The session changes of one batch.
public struct SessionWrites: Sendable {
    /// New sessions, as they stand after the batch (kept as they are if they exist: a redelivery).
    public var created: [SessionRecord] = []
    /// Open sessions whose activity moved on by the tenant's tolerance since it was last written (only ever
    /// moved forward).
    public var advanced: [SessionRecord] = []
    /// Sessions to mark expired.
    public var expired: [String] = []

    public init() {}

    public var isEmpty: Bool { created.isEmpty && advanced.isEmpty && expired.isEmpty }
}
