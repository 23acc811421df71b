public import Foundation
import Logging
public import SwitchboardCore
public import SwitchboardObservability
public import SwitchboardRuntime

/// channel-webhook's outbound stage (`channel-webhook-outbound`): stores each reply once, with its place in
/// the session, and delivers it through its channel's adapter.
///
/// A reply Kafka redelivers is stored once and, for local channels, delivered once: the adapter is called
/// only when this call stored it. Remote channels are stored `pending` and delivered again on redelivery
/// until an outcome is recorded; each part is claimed before it is sent (``OutboundPartFence``), so a part
/// goes to the provider at most once even when recording its answer fails or two consumers hold the record.
/// A remote reply that `failed` is tried again when it comes back (a replayed dead letter), resuming after
/// the parts sent; one that was sent is never sent again.
///
/// A `sender_action` envelope (a typing indicator or read receipt) is not a reply: it is not stored, is shown
/// once through the channel's ``SenderActionAdapter`` or dropped (stale, opted out, switched off, unsupported),
/// and never retried or dead-lettered.
///
/// A reply on a channel with a customer-service window (WhatsApp, ``ServiceWindow``) goes out as written only
/// within 24 hours of the customer's last message there (read with the opt-outs, once per batch). Outside it,
/// it goes out as the tenant's `whatsapp.templates.reengage` template, or, without one, is refused: recorded
/// `failed` with the reason, logged at warning and dead-lettered, not retried.
public struct OutboundDeliveryHandler: StageHandler {
    /// The stage name: consumer group and metrics label.
    public static let stage = "channel-webhook-outbound"

    let adapters: ChannelAdapterRegistry
    let database: SwitchboardDatabase
    /// Who opted out of which channel (the profile store, unless a test gives another).
    let consent: any ConsentStoring
    let metrics: OutboundMetrics
    let now: @Sendable () -> Date
    /// The tenants' settings (their WhatsApp templates); nil: no tenant has templates.
    let tenants: TenantDirectory?
    /// Claims each part before it is sent, so no part goes out twice.
    public let fence: OutboundPartFence

    public init(
        adapters: ChannelAdapterRegistry, database: SwitchboardDatabase, metrics: OutboundMetrics = OutboundMetrics(),
        partLease: TimeInterval = 20, consent: (any ConsentStoring)? = nil,
        tenants: TenantDirectory? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.tenants = tenants
        self.adapters = adapters
        self.database = database
        self.consent = consent ?? database.profiles
        self.metrics = metrics
        self.now = now
        self.fence = OutboundPartFence(ledger: database.messages, lease: partLease, now: now)
    }

    /// What to do with one reply once the batch's new replies are stored.
    private enum Plan: Sendable {
        case deliver(Envelope, sentParts: [Int: String])
        case retryFailed(Envelope, sentParts: [Int: String])
        /// A typing indicator or read receipt: shown once or dropped, never stored.
        case signal(Envelope)
        case skip
    }

    /// Stores the batch's new replies with one bulk insert (a reply already stored is found by its id), then
    /// delivers them: keys in parallel, in order per key.
    public func handle(_ batch: StageBatch) async throws -> [StageResult] {
        var results = [StageResult?](repeating: nil, count: batch.items.count)
        var candidates: [Int] = []
        var seen: Set<UUID> = []
        var repeats: [Int] = []
        var signals: [Int] = []
        for (index, item) in batch.items.enumerated() {
            // The same reply twice in one batch (produced twice upstream): its first copy is the one handled.
            guard seen.insert(item.envelope.id).inserted else {
                repeats.append(index)
                continue
            }
            guard item.envelope.direction == .outbound else {
                results[index] = .rejected("channel-webhook-outbound only takes outbound envelopes")
                continue
            }
            if item.envelope.kind == .senderAction {
                // Not a message: not stored, and never a dead letter (a channel without an adapter drops it).
                signals.append(index)
                continue
            }
            guard adapters.adapter(for: item.envelope.channel) != nil else {
                results[index] = .rejected("no adapter for channel \(item.envelope.channel.rawValue)")
                continue
            }
            candidates.append(index)
        }
        let messages = database.messages
        let time = now()
        let documents = candidates.map { index in
            let envelope = batch.items[index].envelope
            let local = adapters.adapter(for: envelope.channel)!.deliversLocally
            return MessageStore.StoredMessage(envelope, status: local ? "delivered" : "pending", at: time)
        }
        let duplicates = try await messages.insertManyIgnoringDuplicates(documents)
        let again = duplicates.map { candidates[$0] }
        let existing = try await messages.messages(ids: again.map { batch.items[$0].envelope.id })
        var plans: [Int: Plan] = [:]
        for index in candidates { plans[index] = .deliver(batch.items[index].envelope, sentParts: [:]) }
        for index in signals { plans[index] = .signal(batch.items[index].envelope) }
        for index in again {
            let envelope = batch.items[index].envelope
            let local = adapters.adapter(for: envelope.channel)!.deliversLocally
            guard let found = existing[envelope.id.uuidString.lowercased()] else {
                // The database called it a duplicate, yet it cannot be read back (a database that just restarted
                // can answer so): not handled, so not committed. The runner retries it, and dead-letters it if
                // this persists, rather than dropping the reply.
                plans[index] = nil
                results[index] = .failed(StoredReplyUnreadable())
                continue
            }
            var stored = envelope
            // A reply stored before keeps its place in the session and the parts an earlier attempt sent.
            stored.sequence = found.sequence ?? stored.sequence
            var sentParts: [Int: String] = [:]
            for (part, id) in found.sent_parts ?? [:] { if let part = Int(part) { sentParts[part] = id } }
            switch found.status {
            case "pending" where !local:
                plans[index] = .deliver(stored, sentParts: sentParts)
            case "failed" where !local:
                plans[index] = .retryFailed(stored, sentParts: sentParts)
            default:
                batch.items[index].logger.debug(
                    "Outbound message already handled", metadata: ["status": "\(found.status)"])
                plans[index] = .skip
            }
        }
        let decided = plans
        // The customers opted out of a remote reply's channel, and when they last wrote there (the
        // customer-service window): read once per batch, at delivery time.
        let remoteCustomers = decided.values.compactMap { plan -> String? in
            switch plan {
            case .deliver(let envelope, _), .retryFailed(let envelope, _), .signal(let envelope):
                adapters.adapter(for: envelope.channel)?.deliversLocally == false ? envelope.customerId : nil
            case .skip: nil
            }
        }
        let facts = try await consent.outboundFacts(customerIds: remoteCustomers)
        let optedOut = facts.compactMapValues { $0.optedOut.isEmpty ? nil : $0.optedOut }
        let topics = batch.topics
        let delivered = await batch.forEachKey(concurrency: 16) { index, item in
            guard let plan = decided[index] else { return .produced([]) }
            do {
                switch plan {
                case .skip:
                    return .produced([])
                case .signal(let signal):
                    _ = await sendSenderActions(signal, optedOut: optedOut, logger: item.logger)
                    return .produced([])
                case .deliver(let stored, _) where Self.isSuppressed(stored, optedOut: optedOut),
                    .retryFailed(let stored, _) where Self.isSuppressed(stored, optedOut: optedOut):
                    // Nothing but the consent confirmation goes to a customer who opted out of the channel;
                    // the reply is kept as `suppressed` and never sent, also not after a later START.
                    item.logger.info("Outbound message suppressed: the customer opted out of the channel")
                    metrics.recordSend(channel: stored.channel.rawValue, result: .rejected)
                    try await messages.setStatus(
                        id: stored.id, status: "suppressed",
                        error: "the customer opted out of \(stored.channel.rawValue)")
                    return .produced([])
                case .deliver(let stored, let sentParts):
                    return .produced(
                        try await deliver(
                            stored, sentParts: sentParts, facts: facts, topics: topics, logger: item.logger))
                case .retryFailed(let stored, let sentParts):
                    // A dead letter replayed once its cause is fixed (credentials configured, the provider
                    // back): delivery is tried again, resuming after any parts already sent.
                    item.logger.info("Retrying an outbound message that failed before")
                    try await messages.retryFailed(id: stored.id)
                    return .produced(
                        try await deliver(
                            stored, sentParts: sentParts, facts: facts, topics: topics, logger: item.logger))
                }
            } catch {
                return .from(error)
            }
        }
        for index in candidates + signals where results[index] == nil { results[index] = delivered[index] }
        for index in repeats { results[index] = .produced([]) }
        return results.map { $0 ?? .produced([]) }
    }

    /// Whether `envelope` must not be sent: its customer opted out of its channel, and it is not the consent
    /// confirmation.
    static func isSuppressed(_ envelope: Envelope, optedOut: [String: Set<Channel>]) -> Bool {
        guard let customerId = envelope.customerId, optedOut[customerId]?.contains(envelope.channel) == true else {
            return false
        }
        return !ConsentChange.isConfirmation(envelope)
    }

    /// How `envelope` may go out now: as written, as its tenant's template, or not at all (``ServiceWindow``).
    func windowDecision(_ envelope: Envelope, facts: [String: OutboundCustomerFacts]) -> ServiceWindow.Decision {
        let lastInbound = envelope.customerId.flatMap { facts[$0]?.lastInbound[envelope.channel] }
        return ServiceWindow.decide(
            channel: envelope.channel, lastInbound: lastInbound, now: now(),
            template: tenants?.tenant(id: envelope.tenantId)?.whatsapp.templates.reengage)
    }

    /// Delivers a stored reply through its channel's adapter (resuming after `sentParts`), as written or as the
    /// tenant's template when the customer-service window is closed, and records the outcome.
    private func deliver(
        _ envelope: Envelope, sentParts: [Int: String], facts: [String: OutboundCustomerFacts], topics: TopicNames,
        logger: Logger
    ) async throws -> [StageOutput] {
        let messages = database.messages
        guard let adapter = adapters.adapter(for: envelope.channel) else {
            throw StageFailure.permanent("no adapter for channel \(envelope.channel.rawValue)")
        }
        var template: WhatsAppTemplate?
        switch windowDecision(envelope, facts: facts) {
        case .freeForm:
            break
        case .template(let chosen):
            guard adapter is any TemplateDeliveryAdapter else { break }
            template = chosen
            logger.info("Customer-service window closed: the reply goes out as the tenant's template")
        case .refused(let reason):
            // Sending it would only earn the provider's refusal: recorded on the message and dead-lettered, so a
            // replay once the tenant has a template sends it. No address or text in the log.
            logger.warning(
                "Outbound message refused: the customer-service window is closed and the tenant has no template",
                metadata: ["channel": "\(envelope.channel.rawValue)"])
            metrics.recordSend(channel: envelope.channel.rawValue, result: .rejected)
            try await messages.setStatus(id: envelope.id, status: "failed", error: reason)
            throw StageFailure.permanent("\(envelope.channel.rawValue) reply refused: \(reason)")
        }
        let outcome: DeliveryOutcome
        do {
            if let template, let templated = adapter as? any TemplateDeliveryAdapter {
                outcome = try await templated.deliverTemplate(
                    template, for: envelope, progress: fence.progress(for: envelope.id, sent: sentParts))
            } else if let resumable = adapter as? any ResumableDeliveryAdapter {
                outcome = try await resumable.deliver(
                    envelope, progress: fence.progress(for: envelope.id, sent: sentParts))
            } else {
                outcome = try await adapter.deliver(envelope)
            }
        } catch let error as PartInFlightElsewhere {
            throw error
        } catch {
            // Not an answer from the provider (e.g. the adapter could not build the request): the runner
            // retries with backoff.
            metrics.recordSend(channel: envelope.channel.rawValue, result: .retried)
            throw ChannelDeliveryError(channel: envelope.channel, reason: LogPrivacy.scrubbed("\(error)"))
        }
        let channel = envelope.channel.rawValue
        switch outcome {
        case .sent(let providerMessageId):
            metrics.recordSend(channel: channel, result: .sent)
            try await messages.markSent(
                id: envelope.id, tenantId: envelope.tenantId, providerMessageId: providerMessageId)
        case .deliveredLocally:
            metrics.recordSend(channel: channel, result: .sent)
        case .permanentFailure(let reason):
            // The provider refused it (4xx other than 429): recorded on the message and dead-lettered.
            metrics.recordSend(channel: channel, result: .rejected)
            try await messages.setStatus(id: envelope.id, status: "failed", error: reason)
            if let code = VendorOptOut.code(in: reason, channel: envelope.channel), let customerId = envelope.customerId
            {
                // The vendor says the customer opted out there: recorded like a STOP, and nothing to replay.
                _ = try await consent.setOptedOut(
                    true, customerId: customerId, channel: envelope.channel,
                    messageId: envelope.id.uuidString.lowercased())
                let event = SwitchboardEvent(
                    id: DerivedID.make(from: envelope.id, name: "vendor-opt-out"), type: .customerOptedOut,
                    tenantId: envelope.tenantId, customerId: customerId, traceId: envelope.traceId,
                    occurredAt: now(), details: ["channel": channel, "source": "vendor_error", "code": code])
                return [.event(event, to: topics.events, key: envelope.partitionKey)]
            }
            throw StageFailure.permanent("\(channel) refused the message: \(reason)")
        case .retriableFailure(let reason):
            // The adapter already retried with backoff (429/5xx/timeouts): its retries are exhausted.
            metrics.recordSend(channel: channel, result: .failed)
            try await messages.setStatus(id: envelope.id, status: "failed", error: "retries exhausted: \(reason)")
            throw StageFailure.permanent("\(channel) delivery failed after retries: \(reason)")
        }
        return []
    }
}

/// An insert reported the reply as already stored, but reading it back found nothing; retried.
struct StoredReplyUnreadable: Error, CustomStringConvertible {
    var description: String { "the reply was reported stored but could not be read back; retrying" }
}

/// A delivery failed in a way worth retrying; the stage runner retries the record with backoff.
public struct ChannelDeliveryError: Error, Sendable, CustomStringConvertible {
    public var channel: Channel
    public var reason: String
    public var description: String { "delivery to \(channel.rawValue) failed: \(reason)" }
}
