/// A channel's report on an outbound message.
public struct DeliveryStatus: Sendable, Hashable, Codable {
    /// The delivery state.
    public enum State: String, Sendable, Hashable, Codable {
        case sent, delivered, read, failed
    }

    /// The reported state.
    public var state: State
    /// The channel's error text when `state` is `failed`.
    public var error: String?

    /// Creates a status.
    public init(state: State, error: String? = nil) {
        self.state = state
        self.error = error
    }
}
