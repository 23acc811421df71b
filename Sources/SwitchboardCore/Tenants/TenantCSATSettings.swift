import Foundation

/// A tenant's customer-satisfaction survey: one question ("How did we do? 1-5") sent when a session ends:
/// resolved by an agent, or expired after a conversation with the bot alone.
public struct TenantCSATSettings: Sendable, Hashable, Codable {
    /// Send the survey when an agent resolves a hand-over. Default false.
    public var afterAgent: Bool
    /// Send the survey when a session the bot alone answered expires (the session sweeper). Default false.
    public var afterBot: Bool
    /// The question. Default "How did we do? Reply with a number from 1 (bad) to 5 (great)."
    public var question: String
    /// The reply to a recognised answer; empty: none. Default "Thank you for your feedback!".
    public var thanks: String

    public static let defaultQuestion = "How did we do? Reply with a number from 1 (bad) to 5 (great)."
    public static let defaultThanks = "Thank you for your feedback!"

    public init(
        afterAgent: Bool = false, afterBot: Bool = false, question: String = Self.defaultQuestion,
        thanks: String = Self.defaultThanks
    ) {
        self.afterAgent = afterAgent
        self.afterBot = afterBot
        self.question = question
        self.thanks = thanks
    }

    /// Whether any survey is sent.
    public var isEnabled: Bool { afterAgent || afterBot }

    enum CodingKeys: String, CodingKey {
        case question, thanks
        case afterAgent = "after_agent"
        case afterBot = "after_bot"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        afterAgent = try container.decodeIfPresent(Bool.self, forKey: .afterAgent) ?? false
        afterBot = try container.decodeIfPresent(Bool.self, forKey: .afterBot) ?? false
        question = try container.decodeIfPresent(String.self, forKey: .question) ?? Self.defaultQuestion
        thanks = try container.decodeIfPresent(String.self, forKey: .thanks) ?? Self.defaultThanks
    }

    func validate(tenant: String) throws(TenantConfigurationError) {
        guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, question.count <= 1000 else {
            throw TenantConfigurationError("tenant '\(tenant)': csat.question must be 1 to 1000 characters")
        }
        guard thanks.count <= 1000 else {
            throw TenantConfigurationError("tenant '\(tenant)': csat.thanks must be at most 1000 characters")
        }
    }
}
