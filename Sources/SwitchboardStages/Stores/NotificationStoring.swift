public import Foundation
public import SwitchboardCore

/// Where hand-over notifications and their progress are kept: ``NotificationStore`` in MongoDB, an in-memory
/// one in tests. One entry per notification id, so a redelivered hand-over start or a repeated sweep
/// finds the entry and notifies nobody twice.
public protocol NotificationStoring: Sendable {
    /// Stores a new pending notification, claimed until `claimedUntil` by the caller; false when one with
    /// its id exists already.
    func insertIfNew(_ notification: HandoverNotification, claimedUntil: Date) async throws -> Bool
    /// Pending notifications whose claim has run out at `now`, oldest first.
    func unclaimed(at now: Date, limit: Int) async throws -> [PendingNotification]
    /// Claims a pending notification until `until`, if its claim has run out at `now`; false when another
    /// worker holds it or it is finished.
    func claim(id: String, at now: Date, until: Date) async throws -> Bool
    /// Extends the claim of a notification this worker holds (before each target: one may take long).
    func extendClaim(id: String, until: Date) async throws
    /// Records that the target with key `target` is finished with (sent or dead-lettered).
    func finishTarget(id: String, target: String) async throws
    /// Marks the notification finished with: every target is.
    func finish(id: String) async throws
}

/// A notification still to deliver, and the targets already finished with.
public struct PendingNotification: Sendable, Hashable {
    public var notification: HandoverNotification
    public var finishedTargets: Set<String>

    public init(notification: HandoverNotification, finishedTargets: Set<String> = []) {
        self.notification = notification
        self.finishedTargets = finishedTargets
    }
}
