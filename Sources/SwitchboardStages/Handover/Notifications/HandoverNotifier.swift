public import Foundation
public import Logging
public import ServiceLifecycle
public import SwitchboardCore
import SwitchboardKafka
public import SwitchboardRuntime
import Synchronization

/// Tells a tenant's notification targets (``TenantNotificationSettings``) that a hand-over started or
/// escalated, without ever holding up the hand-over stage.
///
/// ``record(_:handover:channel:at:)`` is all the stage waits for: one insert of the notification into the
/// database (the idempotency check: its id is derived from the hand-over id and the event, so a redelivered
/// start or a repeated sweep inserts nothing and notifies nobody again), then a hand-off to this service's
/// bounded per-tenant queue, which never waits. Deliveries run here with retries and backoff; a target that
/// still fails gets a dead letter on the `deadletter` topic. Each finished target is recorded, and a
/// notification whose targets are all finished is marked done.
///
/// Delivery is at least once per target: a notification left pending (a crash or a shutdown mid-delivery,
/// a full queue) is claimed again by the re-drive once its claim runs out (a shutdown gives its claims up),
/// and goes to the targets not yet recorded as finished. A target gets it twice only when a crash comes after
/// it accepted the notification but before that was recorded (one database write), or a shutdown cancels an
/// attempt the receiver had already taken; both times with the same delivery id.
public final class HandoverNotifier: Service, Sendable {
    private let store: any NotificationStoring
    private let tenants: TenantDirectory
    private let secrets: TenantSecrets
    private let sink: any HandoverSink
    private let topics: TopicNames
    private let settings: NotificationSettings
    private let logger: Logger
    private let metrics: NotificationMetrics
    private let clock: @Sendable () -> Date
    private let webhook: WebhookNotificationSender
    private let sms: SMSNotificationSender
    private let email: EmailNotificationSender
    private let queue: Mutex<NotificationQueueState>
    private let starts: AsyncStream<PendingNotification>
    private let startContinuation: AsyncStream<PendingNotification>.Continuation

    /// The stage name dead letters carry.
    public static let stage = "human-handover-notify"

    /// - Parameters:
    ///   - store: Where notifications and their progress are kept.
    ///   - sink: Where dead letters are produced.
    ///   - retry: Default the settings' policy; tests pass one that does not sleep.
    ///   - clock: The clock of claims, timestamps and dead letters.
    public init(
        store: any NotificationStoring, tenants: TenantDirectory, secrets: TenantSecrets, sink: any HandoverSink,
        topics: TopicNames, settings: NotificationSettings = NotificationSettings(), logger: Logger,
        metrics: NotificationMetrics = NotificationMetrics(), retry: RetryPolicy? = nil,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.tenants = tenants
        self.secrets = secrets
        self.sink = sink
        self.topics = topics
        self.settings = settings
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
        let retry = retry ?? settings.retryPolicy
        let http = ProviderHTTPClient(timeout: settings.timeout)
        webhook = WebhookNotificationSender(http: http, retry: retry, metrics: metrics, clock: clock)
        sms = SMSNotificationSender(http: http, retry: retry, apiBase: settings.twilioAPIBase, metrics: metrics)
        email = EmailNotificationSender(
            smtp: SMTPClient(timeout: settings.timeout), retry: retry, metrics: metrics, clock: clock)
        queue = Mutex(
            NotificationQueueState(concurrency: settings.concurrencyPerTenant, capacity: settings.queuePerTenant))
        (starts, startContinuation) = AsyncStream.makeStream(of: PendingNotification.self)
    }

    /// Refuses a configuration whose targets lack their secrets, naming the tenant, the target and the secret
    /// (never a value).
    public static func checkSecrets(tenants: TenantDirectory, secrets: TenantSecrets) throws(SettingsError) {
        for tenant in tenants.tenants {
            for (index, target) in tenant.notifications.targets.enumerated() {
                let missing: [String]
                switch target.destination {
                case .webhook(let webhook):
                    missing = [webhook.secret]
                case .email(let email):
                    let user = secrets.credential(email.usernameSecret, tenantId: tenant.id)
                    missing = user == nil ? [] : [email.passwordSecret]
                case .sms(let sms):
                    missing = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"] + (sms.from == nil ? ["TWILIO_FROM"] : [])
                }
                for name in missing where secrets.credential(name, tenantId: tenant.id) == nil {
                    throw SettingsError(
                        reason:
                            "tenant '\(tenant.id)': notifications.targets[\(index)] (\(target.kind)) needs the secret "
                            + "\(TenantSecrets.variableStem(for: tenant.id))_\(name)")
                }
            }
        }
    }

    // MARK: - What the stage calls

    /// Records the notification of `event` for `handover` and queues its delivery; returns at once. Nothing
    /// is recorded when the tenant has no target for the event, or when the notification exists already.
    /// Throws only when the database does not take the insert (the stage then retries the record).
    public func record(
        _ event: HandoverNotificationEvent, handover: HandoverRecord, channel: String?, at time: Date
    ) async throws {
        guard let tenant = tenants.tenant(id: handover.tenantId), !tenant.notifications.targets(for: event).isEmpty
        else { return }
        let notification = HandoverNotification(
            event: event, handover: handover, channel: channel, occurredAt: time,
            deskURL: tenant.notifications.deskURL)
        let now = clock()
        let room = queue.withLock { $0.hasRoom(tenant: tenant.id) }
        // Claimed by this worker only when it can queue it; otherwise the re-drive takes it at once.
        let claim = room ? now.addingTimeInterval(lease(for: notification, tenant: tenant)) : now
        guard try await store.insertIfNew(notification, claimedUntil: claim) else {
            logger.debug(
                "Notification recorded before; not sent again",
                metadata: ["tenant": "\(tenant.id)", "handover_id": "\(handover.id)", "event": "\(event.rawValue)"])
            return
        }
        if room { admit(PendingNotification(notification: notification)) } else { metrics.queueFull() }
    }

    // MARK: - The service

    /// Delivers queued notifications and re-drives pending ones until graceful shutdown. Deliveries in flight
    /// then are cancelled and stay pending in the database, for the re-drive after the next start.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.redriveLoop() }
                for await job in self.starts {
                    group.addTask { await self.process(job) }
                }
            }
        }
        startContinuation.finish()
    }

    /// Picks up pending notifications whose claim ran out, now and every re-drive interval.
    private func redriveLoop() async {
        while !Task.isCancelled {
            do {
                try await redrive()
            } catch {
                logger.warning("Notification re-drive failed; trying again later", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: settings.redriveInterval)
        }
        startContinuation.finish()
    }

    /// Claims and queues the pending notifications whose claim has run out; returns how many.
    @discardableResult
    func redrive() async throws -> Int {
        let now = clock()
        var queued = 0
        for pending in try await store.unclaimed(at: now, limit: 200) {
            let notification = pending.notification
            guard let tenant = tenants.tenant(id: notification.tenantId) else { continue }
            let ready = queue.withLock { !$0.isKnown(notification.id) && $0.hasRoom(tenant: tenant.id) }
            guard ready else { continue }
            let until = now.addingTimeInterval(lease(for: notification, tenant: tenant))
            guard try await store.claim(id: notification.id, at: now, until: until) else { continue }
            admit(pending)
            queued += 1
        }
        return queued
    }

    private func admit(_ job: PendingNotification) {
        switch queue.withLock({ $0.admit(job) }) {
        case .start: startContinuation.yield(job)
        case .queued, .duplicate: break
        case .full: metrics.queueFull()
        }
    }

    /// Delivers `job` to every target still owed, then starts the tenant's next queued job.
    private func process(_ job: PendingNotification) async {
        await deliver(job)
        if let next = queue.withLock({ $0.finished(job) }) { startContinuation.yield(next) }
    }

    private func deliver(_ job: PendingNotification) async {
        let notification = job.notification
        guard let tenant = tenants.tenant(id: notification.tenantId) else { return }
        for (index, target) in tenant.notifications.targets(for: notification.event)
        where !job.finishedTargets.contains(target.key) {
            do {
                try await store.extendClaim(
                    id: notification.id, until: clock().addingTimeInterval(lease(for: target)))
            } catch {
                logger.warning("Could not extend a notification's claim", metadata: ["error": "\(error)"])
            }
            let deliveryId = notification.deliveryId(target: target.key)
            let outcome = await send(notification, to: target, tenant: tenant.id, deliveryId: deliveryId)
            // Shutting down: the outcome may be a cancelled attempt. Leave the target owed and give up the claim,
            // so the re-drive after the next start takes it at once (the target may get it twice, with the same
            // delivery id).
            if Task.isCancelled {
                try? await store.extendClaim(id: notification.id, until: clock())
                return
            }
            var metadata: Logger.Metadata = [
                "tenant": "\(tenant.id)", "handover_id": "\(notification.handoverId)",
                "event": "\(notification.event.rawValue)", "target": "\(index)", "kind": "\(target.kind)",
                "delivery_id": "\(deliveryId)",
            ]
            switch outcome {
            case .sent:
                metrics.delivered(kind: target.kind, outcome: "sent")
                logger.info("Notification sent", metadata: metadata)
            case .failed(let reason, let attempts):
                metadata["reason"] = "\(reason)"
                metadata["attempts"] = "\(attempts)"
                do {
                    try await sink.publish([try deadLetter(notification, target: target, index: index, reason: reason)])
                } catch {
                    metadata["error"] = "\(error)"
                    logger.error(
                        "Could not dead-letter a failed notification; the re-drive tries again", metadata: metadata)
                    return
                }
                metrics.delivered(kind: target.kind, outcome: "dead_lettered")
                logger.warning("Notification failed; dead-lettered", metadata: metadata)
            }
            do {
                try await store.finishTarget(id: notification.id, target: target.key)
            } catch {
                logger.warning("Could not record a finished notification target", metadata: ["error": "\(error)"])
                return
            }
        }
        do {
            try await store.finish(id: notification.id)
        } catch {
            logger.warning("Could not mark a notification done", metadata: ["error": "\(error)"])
        }
    }

    /// One target's delivery, with its secrets from the tenant's.
    private func send(
        _ notification: HandoverNotification, to target: NotificationTarget, tenant: String, deliveryId: String
    ) async -> NotificationOutcome {
        switch target.destination {
        case .webhook(let webhookTarget):
            guard let secret = secrets.credential(webhookTarget.secret, tenantId: tenant) else {
                return .failed(reason: "the webhook's secret \(webhookTarget.secret) is not configured", attempts: 0)
            }
            return await webhook.deliver(notification, to: webhookTarget, secret: secret, deliveryId: deliveryId)
        case .email(let emailTarget):
            var credentials: (String, String)?
            if let user = secrets.credential(emailTarget.usernameSecret, tenantId: tenant),
                let password = secrets.credential(emailTarget.passwordSecret, tenantId: tenant)
            {
                credentials = (user, password)
            }
            return await email.deliver(
                notification, to: emailTarget, credentials: credentials, deliveryId: deliveryId)
        case .sms(let smsTarget):
            guard let sid = secrets.credential("TWILIO_ACCOUNT_SID", tenantId: tenant),
                let token = secrets.credential("TWILIO_AUTH_TOKEN", tenantId: tenant),
                let from = smsTarget.from ?? secrets.credential("TWILIO_FROM", tenantId: tenant)
            else { return .failed(reason: "the tenant's Twilio account is not configured", attempts: 0) }
            return await sms.deliver(notification, to: smsTarget, account: .init(sid: sid, token: token, from: from))
        }
    }

    /// The dead letter of a notification a target did not take: the notification's JSON (ids, no customer
    /// text, no secret) as the original bytes, under a pseudo-topic `notification:<kind>` that
    /// `switchboard deadletter replay` cannot produce to.
    func deadLetter(
        _ notification: HandoverNotification, target: NotificationTarget, index: Int, reason: String
    ) throws -> KafkaOutgoingRecord {
        let key = PartitionKey.customer(tenantId: notification.tenantId, customerId: notification.customerId)
        let fullReason = "\(reason) (target \(index), delivery \(notification.deliveryId(target: target.key)))"
        let letter = DeadLetter(
            originalTopic: "notification:\(target.kind)", partition: -1, offset: -1, key: key.value,
            originalBytes: Array(try SwitchboardJSON.makeEncoder().encode(notification)), reason: fullReason,
            stage: Self.stage, failedAt: clock())
        return KafkaOutgoingRecord(
            topic: topics.deadletter, key: key.bytes, value: Array(try SwitchboardJSON.makeEncoder().encode(letter)),
            headers: [KafkaHeader(name: "switchboard-deadletter-reason", text: String(fullReason.prefix(200)))])
    }

    /// How long one target may hold the claim: its attempts at their longest, and one re-drive interval more.
    private func lease(for target: NotificationTarget) -> TimeInterval {
        var sends = 1
        if case .sms(let sms) = target.destination { sends = sms.to.count }
        let attempt = settings.timeout + settings.retryMaxDelay
        let seconds = Double((attempt * (settings.maxAttempts * sends) + settings.redriveInterval).components.seconds)
        return seconds
    }

    private func lease(for notification: HandoverNotification, tenant: TenantConfiguration) -> TimeInterval {
        tenant.notifications.targets(for: notification.event).map { lease(for: $0.target) }.max() ?? 60
    }
}
