import Foundation
import SwitchboardCore

/// Sends replies with the Bot API's `sendMessage`, form-encoded, splitting text over Telegram's limit.
///
/// 200 with `ok` is sent; 429 waits `parameters.retry_after` (or `Retry-After`) and tries again per the
/// retry policy; other 5xx are retried, then left to the outbound stage; other 4xx (blocked, chat not
/// found) are permanent, with Telegram's `description`.
struct TelegramOutbound: Sendable {
    let secrets: TenantSecrets
    let apiBase: String
    let client: ProviderHTTPClient
    let retry: RetryPolicy
    let perBot: RateLimiter
    let perChat: RateLimiter

    func deliver(_ envelope: Envelope) async -> DeliveryOutcome {
        guard let token = secrets.credential("TELEGRAM_BOT_TOKEN", tenantId: envelope.tenantId) else {
            return .permanentFailure(reason: "telegram bot token is not configured for this tenant")
        }
        guard let text = TelegramOutbound.text(of: envelope.content), !text.isEmpty else {
            return .permanentFailure(reason: "telegram replies carry text only")
        }
        guard let url = URL(string: "\(apiBase)/bot\(token)/sendMessage") else {
            return .permanentFailure(reason: "telegram bot token is not usable in a URL")
        }
        var first: String?
        for part in TextSplitter.telegram.split(text) {
            do {
                try await perBot.acquire(envelope.tenantId)
                try await perChat.acquire("\(envelope.tenantId)|\(envelope.externalId)")
            } catch {
                return .retriableFailure(reason: "telegram send cancelled")
            }
            let outcome = await send(part, chatId: envelope.externalId, url: url)
            guard case .sent(let id) = outcome else { return outcome }
            if first == nil { first = id }
        }
        return .sent(providerMessageId: first ?? "")
    }

    private func send(_ text: String, chatId: String, url: URL) async -> DeliveryOutcome {
        let body = TwilioForm.encode([
            ("chat_id", chatId), ("text", text), ("parse_mode", "Markdown"),
            ("reply_markup", #"{"remove_keyboard":true}"#),
        ])
        let request = ProviderHTTPRequest(
            url: url, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body)
        return await retry.run { _ in
            let response: ProviderHTTPResponse
            do {
                response = try await client.send(request)
            } catch {
                return .retry(.retriableFailure(reason: "\(error)"), retryAfter: nil)
            }
            return TelegramOutbound.step(for: response)
        }
    }

    /// What one Bot API answer means.
    static func step(for response: ProviderHTTPResponse) -> RetryPolicy.Step<DeliveryOutcome> {
        let answer = try? JSONDecoder().decode(TelegramAnswer.self, from: Data(response.body))
        let description = answer?.description ?? "telegram answered \(response.status)"
        if response.isSuccess, answer?.ok == true, let id = answer?.result?.message_id {
            return .done(.sent(providerMessageId: String(id)))
        }
        if RetryPolicy.isRetriable(status: response.status) {
            let wait = answer?.parameters?.retry_after.map { Duration.seconds($0) } ?? response.retryAfter
            return .retry(.retriableFailure(reason: description), retryAfter: wait)
        }
        return .done(.permanentFailure(reason: description))
    }

    /// The text a reply is sent as; nil for content Telegram text messages cannot carry.
    static func text(of content: Content?) -> String? {
        switch content {
        case .text(let text): text
        case .media(let media): [media.caption, media.reference].compactMap { $0 }.joined(separator: "\n")
        case .interactive(let reply): reply.title ?? reply.payload
        case .location, .contact, nil: nil
        }
    }
}

/// A Bot API answer: `{"ok": true, "result": {...}}` or `{"ok": false, "description": ..., "parameters": ...}`.
struct TelegramAnswer: Decodable {
    var ok: Bool
    var description: String?
    var result: Result?
    var parameters: Parameters?

    struct Result: Decodable {
        var message_id: Int64?
    }

    struct Parameters: Decodable {
        var retry_after: Int64?
    }
}
