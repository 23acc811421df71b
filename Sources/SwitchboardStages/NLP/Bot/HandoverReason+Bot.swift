public import SwitchboardCore

extension HandoverReason {
    /// No engine of the tenant's chain answered (all failed, timed out or had their circuit open).
    public static let botUnavailable = HandoverReason(rawValue: "bot_unavailable")
    /// The engine (a language model's tool call or marker) or an intent action asked for a person.
    public static let botRequested = HandoverReason(rawValue: "bot_requested")
}
