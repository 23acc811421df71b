/// The notifier's bounded queue: per tenant, at most `concurrency` notifications being delivered and
/// `capacity` waiting. A pure state machine; ``HandoverNotifier`` keeps it behind a lock.
///
/// A notification is known from admission until it is finished, so the re-drive does not queue one that is
/// queued or running already.
struct NotificationQueueState: Sendable {
    let concurrency: Int
    let capacity: Int
    private var running: [String: Int] = [:]
    private var waiting: [String: [PendingNotification]] = [:]
    private var known: Set<String> = []

    init(concurrency: Int, capacity: Int) {
        self.concurrency = max(1, concurrency)
        self.capacity = max(0, capacity)
    }

    enum Admission: Sendable, Hashable {
        /// Deliver it now.
        case start
        /// It waits for a slot of its tenant.
        case queued
        /// It is queued or running already.
        case duplicate
        /// The tenant's queue is full: it stays in the database for the re-drive.
        case full
    }

    mutating func admit(_ job: PendingNotification) -> Admission {
        let tenant = job.notification.tenantId
        guard !known.contains(job.notification.id) else { return .duplicate }
        if running[tenant, default: 0] < concurrency {
            running[tenant, default: 0] += 1
            known.insert(job.notification.id)
            return .start
        }
        guard waiting[tenant, default: []].count < capacity else { return .full }
        waiting[tenant, default: []].append(job)
        known.insert(job.notification.id)
        return .queued
    }

    /// `job` is finished with (delivered, given up or interrupted); returns the tenant's next job, which now
    /// holds the freed slot.
    mutating func finished(_ job: PendingNotification) -> PendingNotification? {
        let tenant = job.notification.tenantId
        known.remove(job.notification.id)
        if var queue = waiting[tenant], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[tenant] = queue.isEmpty ? nil : queue
            return next
        }
        running[tenant, default: 1] -= 1
        if running[tenant] == 0 { running[tenant] = nil }
        return nil
    }

    /// Whether a new notification of `tenant` would be started or queued.
    func hasRoom(tenant: String) -> Bool {
        running[tenant, default: 0] < concurrency || waiting[tenant, default: []].count < capacity
    }

    func isKnown(_ id: String) -> Bool { known.contains(id) }

    /// Notifications of `tenant` running and waiting.
    func load(tenant: String) -> (running: Int, waiting: Int) {
        (running[tenant, default: 0], waiting[tenant, default: []].count)
    }
}
