import Foundation
import Logging
import Metrics
import SwitchboardCore

extension OutboundDeliveryHandler {
    /// What became of a `sender_action` envelope, the `outcome` of `switchboard_sender_actions_total`.
    enum SenderActionResult: String {
        case sent, unsupported, stale, suppressed, disabled, failed
    }

    /// Shows a `sender_action` envelope to its customer, or drops it: too old (``SenderAction/maximumAge``),
    /// the customer opted out of the channel, the tenant's `receipts` switch off, or a channel without such
    /// actions. Nothing is stored and nothing is retried or dead-lettered: whatever happens, the record is done.
    func sendSenderActions(
        _ envelope: Envelope, optedOut: [String: Set<Channel>], logger: Logger
    ) async -> SenderActionResult {
        let result = await senderActionResult(envelope, optedOut: optedOut, logger: logger)
        Counter(
            label: "switchboard_sender_actions_total",
            dimensions: [("channel", envelope.channel.rawValue), ("outcome", result.rawValue)]
        ).increment()
        return result
    }

    private func senderActionResult(
        _ envelope: Envelope, optedOut: [String: Set<Channel>], logger: Logger
    ) async -> SenderActionResult {
        if SenderAction.isStale(createdAt: envelope.receivedAt, now: now()) {
            logger.debug("Sender action dropped: stale")
            return .stale
        }
        if Self.isSuppressed(envelope, optedOut: optedOut) { return .suppressed }
        var actions = envelope.senderActions ?? []
        if let tenant = tenants?.tenant(id: envelope.tenantId) { actions = tenant.receipts.allowed(actions) }
        guard !actions.isEmpty else { return .disabled }
        guard let adapter = adapters.adapter(for: envelope.channel) as? any SenderActionAdapter else {
            return .unsupported
        }
        var allowed = envelope
        allowed.senderActions = actions
        switch await adapter.sendActions(allowed) {
        case .sent:
            return .sent
        case .unsupported:
            return .unsupported
        case .failed(let reason):
            logger.info(
                "Sender action not shown", metadata: ["channel": "\(envelope.channel.rawValue)", "reason": "\(reason)"])
            return .failed
        }
    }
}
