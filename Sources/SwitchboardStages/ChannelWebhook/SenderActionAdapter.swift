public import SwitchboardCore

/// A channel that can show the customer a read receipt or a typing indicator (``SenderAction``).
///
/// The outbound stage calls ``sendActions(_:)`` with a `sender_action` envelope it already checked (not
/// stale, the customer not opted out, the tenant's `receipts` switch on). The adapter sends what its vendor
/// has, in the order given, once: no retries beyond the one attempt, nothing stored, nothing dead-lettered.
public protocol SenderActionAdapter: ChannelAdapter {
    /// Shows `envelope.senderActions` to the customer of `envelope`, through the provider it names.
    func sendActions(_ envelope: Envelope) async -> SenderActionOutcome
}

/// How showing a sender action ended. Never an error to retry: a late typing indicator is worse than none.
public enum SenderActionOutcome: Sendable, Hashable {
    /// The vendor took every request sent (or, web chat, the streams got it).
    case sent
    /// The channel or its provider has none of the actions (Twilio, Telegram's read receipts, WhatsApp
    /// without the customer's message id): nothing was sent.
    case unsupported
    /// The vendor refused or did not answer; nothing more is tried.
    case failed(reason: String)
}

extension ProviderSender {
    /// This sender with one attempt and no retries, for sender actions.
    var once: ProviderSender {
        var sender = self
        sender.retry = RetryPolicy(maxAttempts: 1)
        return sender
    }
}

extension DeliveryOutcome {
    /// The sender action's outcome for one vendor request's delivery outcome.
    var senderActionOutcome: SenderActionOutcome {
        switch self {
        case .sent, .deliveredLocally: .sent
        case .permanentFailure(let reason), .retriableFailure(let reason): .failed(reason: reason)
        }
    }
}
