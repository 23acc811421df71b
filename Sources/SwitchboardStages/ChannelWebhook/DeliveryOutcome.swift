/// How one outbound delivery through a ``ChannelAdapter`` ended.
public enum DeliveryOutcome: Sendable, Hashable {
    /// The provider accepted the message (a 2xx) and gave it this id, kept to match later delivery statuses;
    /// nil when the answer carried no id we could read. Still sent: sending it again would reach the
    /// customer twice.
    case sent(providerMessageId: String?)
    /// Delivered inside this process (web chat: to the waiting request and live streams).
    case deliveredLocally
    /// The provider refused the message for good (blocked user, invalid recipient, expired window).
    case permanentFailure(reason: String)
    /// The provider could not take it now (timeout, 5xx, rate limit); the stage retries with backoff.
    case retriableFailure(reason: String)

    /// The `status` the message store records for this outcome; nil while it should be retried.
    public var storedStatus: String? {
        switch self {
        case .sent: "sent"
        case .deliveredLocally: "delivered"
        case .permanentFailure: "failed"
        case .retriableFailure: nil
        }
    }
}
