public import Foundation

/// A tenant's routing rules for the message router.
public struct TenantRules: Sendable, Hashable, Codable {
    /// Phrases that mean "let me talk to a person", matched case- and accent-insensitively on whole
    /// words (so `agent` matches "Agent please" but not "agentic").
    public var handoverPhrases: [String]
    /// When human agents are available; nil means always.
    public var businessHours: BusinessHours?
    /// The reply sent when a human is wanted outside business hours.
    public var offlineReply: String

    /// Default handover phrases.
    public static let defaultHandoverPhrases = [
        "agent", "human", "talk to a person", "speak to a person", "real person", "operator",
    ]
    /// Default offline reply.
    public static let defaultOfflineReply =
        "Our team is offline right now. We will get back to you as soon as we are open again."

    /// Creates rules.
    public init(
        handoverPhrases: [String] = TenantRules.defaultHandoverPhrases, businessHours: BusinessHours? = nil,
        offlineReply: String = TenantRules.defaultOfflineReply
    ) {
        self.handoverPhrases = handoverPhrases
        self.businessHours = businessHours
        self.offlineReply = offlineReply
    }

    /// Whether a human is available at `date`.
    public func isOpen(at date: Date) -> Bool {
        businessHours?.isOpen(at: date) ?? true
    }

    /// Whether `text` contains one of ``handoverPhrases`` as whole words.
    public func asksForHuman(_ text: String) -> Bool {
        let words = Tokenizer.words(text)
        return handoverPhrases.contains { phrase in
            let needle = Tokenizer.words(phrase)
            guard !needle.isEmpty, needle.count <= words.count else { return false }
            return (0...(words.count - needle.count)).contains { start in
                Array(words[start..<(start + needle.count)]) == needle
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case handoverPhrases = "handover_phrases"
        case businessHours = "business_hours"
        case offlineReply = "offline_reply"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        handoverPhrases =
            try container.decodeIfPresent([String].self, forKey: .handoverPhrases) ?? Self.defaultHandoverPhrases
        businessHours = try container.decodeIfPresent(BusinessHours.self, forKey: .businessHours)
        offlineReply = try container.decodeIfPresent(String.self, forKey: .offlineReply) ?? Self.defaultOfflineReply
    }
}
