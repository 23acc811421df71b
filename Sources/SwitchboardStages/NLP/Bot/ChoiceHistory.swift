public import SwitchboardCore

/// Where the bot finds the options a customer's numbered answer ("2") refers to.
public protocol ChoiceHistory: Sendable {
    /// The choice the business's last reply before the message numbered `sequence` offered, or nil when
    /// that reply was something else (see ``ChoiceHistoryRule/lastChoice(in:)``).
    func lastChoice(tenantId: String, sessionId: String, before sequence: Int64) async throws -> Content.Choice?
}

/// Which earlier message a numbered answer refers to.
public enum ChoiceHistoryRule {
    /// The session's latest messages read to find the last reply: a reply of an image and a choice is two.
    public static let messagesRead = 4

    /// The choice among the newest outbound messages of `messages` (oldest first): walking back from the
    /// newest, an image is passed over (an image goes out before the choice of the same response), a choice
    /// is the answer, and anything else (text, the customer's own message) means there is none. Envelopes
    /// that are not messages (read receipts, typing) are passed over.
    public static func lastChoice(in messages: [Envelope]) -> Content.Choice? {
        for message in messages.reversed() where message.kind == .message {
            guard message.direction == .outbound else { return nil }
            switch message.content {
            case .choice(let choice)?: return choice
            case .media(let media)? where media.resolvedKind == .image: continue
            default: return nil
            }
        }
        return nil
    }
}

extension MessageStore: ChoiceHistory {
    public func lastChoice(tenantId: String, sessionId: String, before sequence: Int64) async throws -> Content.Choice?
    {
        let recent = try await history(
            tenantId: tenantId, sessionId: sessionId, before: sequence, limit: ChoiceHistoryRule.messagesRead)
        return ChoiceHistoryRule.lastChoice(in: recent.map(\.envelope))
    }
}
