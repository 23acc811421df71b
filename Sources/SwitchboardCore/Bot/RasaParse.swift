public import Foundation

/// Rasa's `POST /model/parse` answer, mapped to an ``NLPResult``.
public enum RasaParse {
    struct Response: Decodable {
        struct Intent: Decodable {
            var name: String?
            var confidence: Double?
        }
        struct Found: Decodable {
            var entity: String
            var value: JSONValue
            var start: Int?
            var end: Int?
        }
        var intent: Intent?
        var entities: [Found]?
        var intentRanking: [Intent]?

        enum CodingKeys: String, CodingKey {
            case intent, entities
            case intentRanking = "intent_ranking"
        }
    }

    /// The request body: `{"text": …, "message_id": …}`.
    public static func requestBody(text: String, messageId: UUID) -> [UInt8] {
        let body: [String: String] = ["text": text, "message_id": messageId.uuidString.lowercased()]
        return Array((try? JSONEncoder().encode(body)) ?? Data())
    }

    /// Maps the answer; throws ``BotEngineError/Code/badAnswer`` for one that is not Rasa's parse result.
    public static func result(_ body: [UInt8]) throws(BotEngineError) -> NLPResult {
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: Data(body))
        } catch {
            throw BotEngineError(.badAnswer, "the answer is not Rasa's parse result")
        }
        let entities = (response.entities ?? []).compactMap { found -> Entity? in
            guard let value = found.value.scalarText else { return nil }
            return Entity(name: found.entity, value: value, start: found.start, end: found.end)
        }
        let ranking = (response.intentRanking ?? []).compactMap { intent -> IntentScore? in
            guard let name = intent.name else { return nil }
            return IntentScore(intent: name, confidence: min(max(intent.confidence ?? 0, 0), 1))
        }
        let name = response.intent?.name.flatMap { $0.isEmpty ? nil : $0 }
        let confidence = min(max(response.intent?.confidence ?? 0, 0), 1)
        return NLPResult(
            intent: name, confidence: confidence.isFinite ? confidence : 0, entities: entities,
            ranking: Array(ranking.prefix(10)))
    }
}
