public import Foundation
public import SwitchboardCore
public import SwitchboardObservability
public import SwitchboardRuntime

/// channel-webhook's outbound stage (`channel-webhook-outbound`): stores each reply once, with its place in
/// the session, and delivers it through its channel's adapter.
///
/// A reply Kafka redelivers is stored once and, for local channels, delivered once: the adapter is called
/// only when this call stored it. Remote channels are stored `pending` and delivered again on redelivery
/// until an outcome is recorded (at least once; providers dedupe by our message id where they can). A
/// remote reply that `failed` is tried again when it comes back (a replayed dead letter); one that was sent
/// is never sent again.
public struct OutboundDeliveryHandler: StageHandler {
    /// The stage name: consumer group and metrics label.
    public static let stage = "channel-webhook-outbound"

    let adapters: ChannelAdapterRegistry
    let database: SwitchboardDatabase
    let metrics: OutboundMetrics
    let now: @Sendable () -> Date

    public init(
        adapters: ChannelAdapterRegistry, database: SwitchboardDatabase, metrics: OutboundMetrics = OutboundMetrics(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.adapters = adapters
        self.database = database
        self.metrics = metrics
        self.now = now
    }

    public func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
        guard envelope.direction == .outbound else {
            throw StageFailure.permanent("channel-webhook-outbound only takes outbound envelopes")
        }
        guard let adapter = adapters.adapter(for: envelope.channel) else {
            throw StageFailure.permanent("no adapter for channel \(envelope.channel.rawValue)")
        }
        let messages = database.messages
        var stored = envelope
        var existing = try await messages.message(id: envelope.id)
        if let found = existing {
            switch found.status {
            case "pending":
                break
            case "failed" where !adapter.deliversLocally:
                // A dead letter replayed once its cause is fixed (credentials configured, the provider back):
                // delivery is tried again, resuming after any parts already sent.
                context.logger.info("Retrying an outbound message that failed before")
                try await messages.retryFailed(id: envelope.id)
            default:
                context.logger.debug("Outbound message already handled", metadata: ["status": "\(found.status)"])
                return []
            }
        } else {
            if stored.sequence == nil, let sessionId = stored.sessionId {
                stored.sequence = try await database.sessions.allocateSequence(sessionId: sessionId)
            }
            let initialStatus = adapter.deliversLocally ? "delivered" : "pending"
            if try await !messages.insertIfNew(.init(stored, status: initialStatus, at: now())) {
                // Stored by another consumer since the lookup (a rebalance handed it over mid-batch).
                if adapter.deliversLocally { return [] }
                existing = try await messages.message(id: envelope.id)
                guard existing?.status == "pending" else { return [] }
            }
        }
        // A reply stored before keeps its place in the session and the parts an earlier attempt sent.
        var sentParts: [Int: String] = [:]
        if let existing {
            stored.sequence = existing.sequence ?? stored.sequence
            for (index, id) in existing.sent_parts ?? [:] { if let index = Int(index) { sentParts[index] = id } }
        }

        let outcome: DeliveryOutcome
        do {
            if let resumable = adapter as? any ResumableDeliveryAdapter {
                let progress = DeliveryProgress(sent: sentParts) { index, providerMessageId in
                    try await messages.recordSentPart(
                        id: envelope.id, index: index, providerMessageId: providerMessageId)
                }
                outcome = try await resumable.deliver(stored, progress: progress)
            } else {
                outcome = try await adapter.deliver(stored)
            }
        } catch {
            // Not an answer from the provider (e.g. the adapter could not build the request): the runner
            // retries with backoff.
            metrics.recordSend(channel: envelope.channel.rawValue, result: .retried)
            throw ChannelDeliveryError(channel: envelope.channel, reason: "\(error)")
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

/// A delivery failed in a way worth retrying; the stage runner retries the record with backoff.
public struct ChannelDeliveryError: Error, Sendable, CustomStringConvertible {
    public var channel: Channel
    public var reason: String
    public var description: String { "delivery to \(channel.rawValue) failed: \(reason)" }
}
