import Foundation
import SwitchboardCore
import SwitchboardStages
import Synchronization

/// Notifications in memory, with the MongoDB store's semantics, and a way to wait until one is done.
final class InMemoryNotifications: NotificationStoring {
    struct Entry: Sendable {
        var notification: HandoverNotification
        var claimedUntil: Date
        var finishedTargets: Set<String> = []
        var done = false
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var waiters: [(id: String, continuation: CheckedContinuation<Entry, Never>)] = []
    }

    private let state = Mutex(State())

    var entries: [String: Entry] { state.withLock { $0.entries } }

    /// Waits until the notification `id` is marked done; bound it with `withTimeout`.
    func waitUntilDone(_ id: String) async -> Entry {
        await withCheckedContinuation { continuation in
            let ready: Entry? = state.withLock { state in
                if let entry = state.entries[id], entry.done { return entry }
                state.waiters.append((id, continuation))
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func insertIfNew(_ notification: HandoverNotification, claimedUntil: Date) async throws -> Bool {
        state.withLock { state in
            guard state.entries[notification.id] == nil else { return false }
            state.entries[notification.id] = Entry(notification: notification, claimedUntil: claimedUntil)
            return true
        }
    }

    func unclaimed(at now: Date, limit: Int) async throws -> [PendingNotification] {
        state.withLock { state in
            state.entries.values.filter { !$0.done && $0.claimedUntil <= now }.sorted {
                $0.claimedUntil < $1.claimedUntil
            }
            .prefix(limit).map {
                PendingNotification(notification: $0.notification, finishedTargets: $0.finishedTargets)
            }
        }
    }

    func claim(id: String, at now: Date, until: Date) async throws -> Bool {
        state.withLock { state in
            guard let entry = state.entries[id], !entry.done, entry.claimedUntil <= now else { return false }
            state.entries[id]?.claimedUntil = until
            return true
        }
    }

    func extendClaim(id: String, until: Date) async throws {
        state.withLock { state in
            if state.entries[id]?.done == false { state.entries[id]?.claimedUntil = until }
        }
    }

    func finishTarget(id: String, target: String) async throws {
        state.withLock { _ = $0.entries[id]?.finishedTargets.insert(target) }
    }

    func finish(id: String) async throws {
        let ready = state.withLock { state -> [(CheckedContinuation<Entry, Never>, Entry)] in
            state.entries[id]?.done = true
            guard let entry = state.entries[id] else { return [] }
            let matching = state.waiters.filter { $0.id == id }
            state.waiters.removeAll { $0.id == id }
            return matching.map { ($0.continuation, entry) }
        }
        for (continuation, entry) in ready { continuation.resume(returning: entry) }
    }
}
