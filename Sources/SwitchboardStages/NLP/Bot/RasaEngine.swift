import Foundation
public import SwitchboardCore

/// A tenant's Rasa server (`POST /model/parse`) as a ``BotEngine``: intents and entities from Rasa; the
/// reply comes from the tenant's templates or actions. The tenant secret `RASA_TOKEN`, if set, goes in
/// Rasa's `token` query parameter.
public struct RasaEngine: BotEngine {
    let settings: RasaSettings
    let token: String?
    let transport: any BotHTTPTransport
    let breaker: CircuitBreaker
    let attemptTimeout: Duration

    public init(
        settings: RasaSettings, token: String?, transport: any BotHTTPTransport, breaker: CircuitBreaker,
        attemptTimeout: Duration
    ) {
        self.settings = settings
        self.token = token
        self.transport = transport
        self.breaker = breaker
        self.attemptTimeout = attemptTimeout
    }

    public var kind: BotEngineKind { .rasa }
    public var wantsHistory: Bool { false }

    var endpoint: URL? {
        guard var components = URLComponents(string: settings.url) else { return nil }
        components.path =
            (components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path)
            + "/model/parse"
        if let token { components.queryItems = [URLQueryItem(name: "token", value: token)] }
        return components.url
    }

    var circuitKey: String {
        guard let url = URL(string: settings.url) else { return "rasa:" }
        return "rasa:\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\(url.path)"
    }

    public func answer(_ turn: BotTurn) async throws -> BotAnswer {
        guard let endpoint else { throw BotEngineError(.notConfigured, "bot.rasa.url is not a URL") }
        if case .reject = breaker.request(circuitKey) {
            throw BotEngineError(.circuitOpen, "the Rasa server failed repeatedly; calls pause")
        }
        let request = ProviderHTTPRequest(
            url: endpoint, headers: ["Content-Type": "application/json"],
            body: RasaParse.requestBody(text: turn.text, messageId: turn.messageId))
        let response: ProviderHTTPResponse
        do {
            response = try await transport.send(request, timeout: attemptTimeout)
        } catch {
            breaker.recordFailure(circuitKey)
            throw BotEngineError(.unavailable, "no answer from the Rasa server")
        }
        guard response.isSuccess else {
            if RetryPolicy.isRetriable(status: response.status) { breaker.recordFailure(circuitKey) }
            throw BotEngineError(.unavailable, "the Rasa server answered \(response.status)")
        }
        breaker.recordSuccess(circuitKey)
        return BotAnswer(result: try RasaParse.result(response.body))
    }
}
