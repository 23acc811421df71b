/// What the bot does with a classified message.
public enum NLPDecision: Sendable, Hashable {
    /// Answer with `text`.
    case reply(text: String, intent: String, confidence: Double, entities: [Entity])
    /// Hand the conversation to a human.
    case handover(reason: HandoverReason, intent: String?, confidence: Double)
}

/// Turns an ``NLPResult`` into a reply or a handover.
///
/// In order: no intent or confidence below ``confidenceThreshold`` → `low_confidence`; the intent is
/// ``handoverIntent`` → `customer_asked_for_human`; no usable `utter_<intent>` template → `no_response`;
/// otherwise the filled template.
public struct BotPolicy: Sendable, Hashable {
    /// Minimum confidence to answer, default 0.5.
    public var confidenceThreshold: Double
    /// The intent meaning "let me talk to a person", default `human_handoff`.
    public var handoverIntent: String

    /// Creates a policy.
    public init(confidenceThreshold: Double = 0.5, handoverIntent: String = "human_handoff") {
        self.confidenceThreshold = confidenceThreshold
        self.handoverIntent = handoverIntent
    }

    /// Decides for `result`; `variant` rotates between response variants (e.g. the message sequence).
    public func decide(_ result: NLPResult, templates: ResponseTemplates, variant: Int = 0) -> NLPDecision {
        guard let intent = result.intent, result.confidence >= confidenceThreshold else {
            return .handover(reason: .lowConfidence, intent: result.intent, confidence: result.confidence)
        }
        if intent == handoverIntent {
            return .handover(reason: .customerAskedForHuman, intent: intent, confidence: result.confidence)
        }
        guard let text = templates.reply(for: intent, entities: result.entities, variant: variant) else {
            return .handover(reason: .noResponse, intent: intent, confidence: result.confidence)
        }
        return .reply(text: text, intent: intent, confidence: result.confidence, entities: result.entities)
    }
}
