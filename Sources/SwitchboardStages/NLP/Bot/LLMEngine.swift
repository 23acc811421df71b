internal import Crypto
import Foundation
public import SwitchboardCore

/// A tenant's OpenAI-compatible chat-completions endpoint as a ``BotEngine``.
///
/// The prompt is the tenant's system prompt, the session's recent messages within the token budget, and
/// the message. Failures worth retrying (429, 5xx, no answer) are retried with backoff; a circuit per
/// endpoint stops calls to one that keeps failing; answers are cached by the whole prompt, so a redelivered
/// message gets the same answer without a second call.
///
/// For a turn with a ``BotTurn/stream`` target (a web chat message) and ``LLMSettings/stream`` on, the
/// request asks for `"stream": true` and previews of the reply go to the ``ReplyDeltaSink`` as the tokens
/// arrive; the answer is the same as without streaming. JSON-mode classification is never streamed (its
/// text is no reply to preview); a streamed `handover_to_human` tool call is read from the tool-call deltas.
/// A server that ignores `"stream": true` and answers with one JSON document is read as without streaming.
public struct LLMEngine: BotEngine {
    let tenantId: String
    let settings: LLMSettings
    let handoverIntent: String
    let apiKey: String?
    let transport: any BotHTTPTransport
    let breaker: CircuitBreaker
    let cache: BoundedCache<String, BotAnswer>?
    let metrics: BotMetrics
    let attemptTimeout: Duration
    let retry: RetryPolicy
    let deltas: (any ReplyDeltaSink)?

    /// `deltas` receives reply previews of streamed answers; nil streams nothing.
    public init(
        tenantId: String, settings: LLMSettings, handoverIntent: String, apiKey: String?,
        transport: any BotHTTPTransport, breaker: CircuitBreaker, metrics: BotMetrics, attemptTimeout: Duration,
        retry: RetryPolicy? = nil, deltas: (any ReplyDeltaSink)? = nil
    ) {
        self.deltas = deltas
        self.tenantId = tenantId
        self.settings = settings
        self.handoverIntent = handoverIntent
        self.apiKey = apiKey
        self.transport = transport
        self.breaker = breaker
        self.cache = settings.cacheEntries > 0 ? BoundedCache(capacity: settings.cacheEntries) : nil
        self.metrics = metrics
        self.attemptTimeout = attemptTimeout
        self.retry =
            retry
            ?? RetryPolicy(
                maxAttempts: settings.retries + 1, baseDelay: .milliseconds(200), maxDelay: .seconds(2))
    }

    public var kind: BotEngineKind { .llm }
    public var wantsHistory: Bool { settings.historyMessages > 0 }

    var endpoint: URL? {
        URL(
            string: settings.url.hasSuffix("/") ? settings.url + "chat/completions" : settings.url + "/chat/completions"
        )
    }
    /// The circuit's key: the endpoint, never its key or query.
    var circuitKey: String {
        "llm:" + (endpoint.map { "\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")\($0.path)" } ?? "")
    }

    /// Whether `turn`'s answer is streamed: a turn with a preview target, a sink for previews, streaming on,
    /// and no JSON-mode classification.
    func streams(_ turn: BotTurn) -> Bool {
        settings.stream && !settings.classify && deltas != nil && turn.stream != nil
    }

    /// The request for `turn`, with its estimated input tokens.
    func request(for turn: BotTurn) -> (ChatCompletion.Request, Int) {
        let estimator = TokenEstimator(charactersPerToken: settings.charactersPerToken)
        let system =
            settings.classify
            ? settings.systemPrompt + "\n\n"
                + ChatPrompt.classificationInstructions(intents: settings.intents, handoverIntent: handoverIntent)
            : settings.systemPrompt
        var limited = turn
        limited.history = Array(turn.history.suffix(settings.historyMessages))
        let prompt = ChatPrompt.build(
            system: system, turn: limited, budget: settings.contextTokens, estimator: estimator)
        let request = ChatCompletion.Request(
            model: settings.model, messages: prompt.messages, maxTokens: settings.maxTokens,
            temperature: settings.temperature, stream: streams(turn), jsonMode: settings.classify,
            handoverTool: settings.handoverTool && !settings.classify)
        return (request, prompt.estimatedTokens)
    }

    public func answer(_ turn: BotTurn) async throws -> BotAnswer {
        guard let endpoint else { throw BotEngineError(.notConfigured, "bot.llm.url is not a URL") }
        let (request, estimated) = self.request(for: turn)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = Array(try encoder.encode(request))
        let cacheKey = tenantId + ":" + SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        if let cached = cache?[cacheKey] {
            metrics.cacheHit(tenant: tenantId)
            return cached
        }
        if case .reject = breaker.request(circuitKey) {
            throw BotEngineError(.circuitOpen, "the endpoint failed repeatedly; calls pause")
        }
        let reader =
            streams(turn)
            ? turn.stream.flatMap { target in
                deltas.map { ReplyPreview(target, $0, handoverMarker: settings.handoverMarker) }
            } : nil
        var headers = [
            "Content-Type": "application/json", "Accept": reader == nil ? "application/json" : "text/event-stream",
        ]
        if let apiKey { headers["Authorization"] = "Bearer \(apiKey)" }
        let http = ProviderHTTPRequest(url: endpoint, headers: headers, body: body)
        let (transport, breaker, circuitKey, timeout) = (transport, breaker, circuitKey, attemptTimeout)
        let outcome: Result<LLMAnswerBody, BotEngineError> = await retry.run { _ in
            do {
                let response: ProviderHTTPResponse
                if let reader {
                    reader.restart()
                    response = try await transport.stream(http, timeout: timeout) { try reader.feed($0) }
                } else {
                    response = try await transport.send(http, timeout: timeout)
                }
                if response.isSuccess {
                    breaker.recordSuccess(circuitKey)
                    return .done(.success(reader?.finish() ?? .whole(response.body)))
                }
                if RetryPolicy.isRetriable(status: response.status) {
                    breaker.recordFailure(circuitKey)
                    return .retry(
                        .failure(BotEngineError(.unavailable, "the endpoint answered \(response.status)")),
                        retryAfter: response.retryAfter)
                }
                return .done(.failure(BotEngineError(.rejected, "the endpoint answered \(response.status)")))
            } catch {
                // The endpoint answered, but not with chat-completion chunks: as a garbled whole answer.
                if let failure = reader?.failure {
                    breaker.recordSuccess(circuitKey)
                    return .done(.failure(failure))
                }
                if Task.isCancelled { return .done(.failure(BotEngineError(.timeout, "cancelled"))) }
                breaker.recordFailure(circuitKey)
                return .retry(.failure(BotEngineError(.unavailable, "no answer from the endpoint")), retryAfter: nil)
            }
        }
        let estimator = TokenEstimator(charactersPerToken: settings.charactersPerToken)
        let answer: BotAnswer
        do {
            answer = try interpret(outcome.get(), estimated: estimated, estimator: estimator)
        } catch {
            reader?.withdraw()
            throw error
        }
        if answer.reply == nil { reader?.withdraw() }
        if let usage = answer.usage { metrics.tokens(tenant: tenantId, usage: usage, settings: settings) }
        cache?.set(answer, for: cacheKey)
        return answer
    }

    private func interpret(
        _ body: LLMAnswerBody, estimated: Int, estimator: TokenEstimator
    ) throws(BotEngineError) -> BotAnswer {
        switch body {
        case .whole(let body):
            try ChatCompletion.interpret(
                body, classify: settings.classify, handoverMarker: settings.handoverMarker,
                estimatedInput: estimated, estimator: estimator)
        case .streamed(let stream):
            try stream.answer(
                classify: settings.classify, handoverMarker: settings.handoverMarker, estimatedInput: estimated,
                estimator: estimator)
        }
    }
}

/// What came back from the endpoint: a whole answer's body, or a stream read to its end.
enum LLMAnswerBody: Sendable {
    case whole([UInt8])
    case streamed(ChatCompletionStream)
}
