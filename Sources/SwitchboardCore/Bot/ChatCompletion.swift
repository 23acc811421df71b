import Foundation

/// The OpenAI chat-completions wire format, as far as Switchboard speaks it (OpenAI, Ollama, vLLM and
/// llama.cpp's server all accept it).
public enum ChatCompletion {
    /// The tool a model calls to hand the conversation to a person.
    public static let handoverTool = "handover_to_human"

    /// A request body.
    public struct Request: Sendable, Hashable, Encodable {
        public var model: String
        public var messages: [ChatPrompt.Message]
        public var maxTokens: Int
        public var temperature: Double
        public var stream: Bool
        /// `{"type": "json_object"}` for JSON mode.
        public var jsonMode: Bool
        /// Offer the ``ChatCompletion/handoverTool``.
        public var handoverTool: Bool

        public init(
            model: String, messages: [ChatPrompt.Message], maxTokens: Int, temperature: Double, stream: Bool = false,
            jsonMode: Bool = false, handoverTool: Bool = false
        ) {
            self.model = model
            self.messages = messages
            self.maxTokens = maxTokens
            self.temperature = temperature
            self.stream = stream
            self.jsonMode = jsonMode
            self.handoverTool = handoverTool
        }

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, stream, tools
            case maxTokens = "max_tokens"
            case responseFormat = "response_format"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(model, forKey: .model)
            try c.encode(messages, forKey: .messages)
            try c.encode(maxTokens, forKey: .maxTokens)
            try c.encode(temperature, forKey: .temperature)
            try c.encode(stream, forKey: .stream)
            if jsonMode {
                try c.encode(["type": "json_object"], forKey: .responseFormat)
            }
            if handoverTool {
                let tool: JSONValue = .object([
                    "type": .string("function"),
                    "function": .object([
                        "name": .string(ChatCompletion.handoverTool),
                        "description": .string(
                            "Hand the conversation to a human agent, when the customer asks for one or you cannot help."
                        ),
                        "parameters": .object([
                            "type": .string("object"),
                            "properties": .object(["reason": .object(["type": .string("string")])]),
                        ]),
                    ]),
                ])
                try c.encode([tool], forKey: .tools)
            }
        }
    }

    /// A response body (non-streaming).
    public struct Response: Sendable, Hashable, Decodable {
        public struct Choice: Sendable, Hashable, Decodable {
            public var message: Message
        }

        public struct Message: Sendable, Hashable, Decodable {
            public var content: String?
            public var toolCalls: [ToolCall]?

            enum CodingKeys: String, CodingKey {
                case content
                case toolCalls = "tool_calls"
            }
        }

        public struct ToolCall: Sendable, Hashable, Decodable {
            public struct Function: Sendable, Hashable, Decodable {
                public var name: String
            }
            public var function: Function
        }

        public struct Usage: Sendable, Hashable, Decodable {
            public var promptTokens: Int?
            public var completionTokens: Int?

            enum CodingKeys: String, CodingKey {
                case promptTokens = "prompt_tokens"
                case completionTokens = "completion_tokens"
            }
        }

        public var choices: [Choice]
        public var usage: Usage?
    }

    /// What a model's answer means: a reply, a hand-over, or (JSON mode) a classification.
    ///
    /// Throws ``BotEngineError/Code/badAnswer`` for a body that is not a chat completion, has no choice,
    /// an empty reply, or (JSON mode) no readable classification.
    public static func interpret(
        _ body: [UInt8], classify: Bool, handoverMarker: String, estimatedInput: Int, estimator: TokenEstimator
    ) throws(BotEngineError) -> BotAnswer {
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: Data(body))
        } catch {
            throw BotEngineError(.badAnswer, "the answer is not a chat completion")
        }
        guard let message = response.choices.first?.message else {
            throw BotEngineError(.badAnswer, "the answer has no choices")
        }
        return try interpret(
            content: message.content ?? "", toolNames: message.toolCalls?.map(\.function.name) ?? [],
            usage: response.usage, classify: classify, handoverMarker: handoverMarker, estimatedInput: estimatedInput,
            estimator: estimator)
    }

    /// What an answer's text and tool calls mean, whether read whole or assembled from a stream.
    static func interpret(
        content: String, toolNames: [String], usage reported: Response.Usage?, classify: Bool, handoverMarker: String,
        estimatedInput: Int, estimator: TokenEstimator
    ) throws(BotEngineError) -> BotAnswer {
        let usage = TokenUsage(
            input: reported?.promptTokens ?? estimatedInput,
            output: reported?.completionTokens ?? estimator.tokens(content))
        if toolNames.contains(handoverTool) {
            return BotAnswer(result: NLPResult(intent: nil, confidence: 1), handoverRequested: true, usage: usage)
        }
        if classify {
            var answer = BotAnswer(result: try classification(content), usage: usage)
            answer.handoverRequested = !handoverMarker.isEmpty && content.contains(handoverMarker)
            return answer
        }
        if !handoverMarker.isEmpty, content.contains(handoverMarker) {
            return BotAnswer(result: NLPResult(intent: nil, confidence: 1), handoverRequested: true, usage: usage)
        }
        let reply = content.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reply.isEmpty else { throw BotEngineError(.badAnswer, "the model answered with no text") }
        return BotAnswer(result: NLPResult(intent: nil, confidence: 1), reply: reply, usage: usage)
    }

    /// Reads the JSON-mode answer `{"intent": …, "confidence": …, "entities": {…}}`.
    static func classification(_ content: String) throws(BotEngineError) -> NLPResult {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(content.utf8)) else {
            throw BotEngineError(.badAnswer, "the JSON-mode answer is not a JSON object")
        }
        var intent: String?
        if case .string(let name)? = object["intent"], !name.isEmpty { intent = name }
        var confidence = intent == nil ? 0.0 : 1.0
        if case .number(let number)? = object["confidence"] { confidence = number }
        guard confidence.isFinite else { throw BotEngineError(.badAnswer, "the confidence is not a number") }
        var entities: [Entity] = []
        if case .object(let found)? = object["entities"] {
            for (name, value) in found.sorted(by: { $0.key < $1.key }) {
                if let text = value.scalarText { entities.append(Entity(name: name, value: text)) }
            }
        }
        let clamped = min(max(confidence, 0), 1)
        return NLPResult(
            intent: intent, confidence: clamped, entities: entities,
            ranking: intent.map { [IntentScore(intent: $0, confidence: clamped)] } ?? [])
    }
}
