import Foundation
import SwitchboardCore

/// Sends replies with the Bot API's `sendMessage`, form-encoded, as plain text (no `parse_mode`: replies
/// are not written as Markdown, and an unbalanced `_` or `*` would make Telegram refuse them), splitting
/// text over Telegram's limit.
///
/// A 2xx is sent (with `result.message_id` when the answer has one); 429 waits `parameters.retry_after` (or
/// `Retry-After`) and tries again per the retry policy; other 5xx are retried, then left to the outbound
/// stage; other 4xx (blocked, chat not found) are permanent, with Telegram's `description`. Each bot has its
/// own circuit (`telegram:<tenant>`) and pace (`perBot`), each chat its own pace (`perChat`).
struct TelegramOutbound: Sendable {
    let secrets: TenantSecrets
    let apiBase: String
    let sender: ProviderSender
    let perBot: RateLimiter
    let perChat: RateLimiter

    func deliver(_ envelope: Envelope, progress: DeliveryProgress) async throws -> DeliveryOutcome {
        guard let token = secrets.credential("TELEGRAM_BOT_TOKEN", tenantId: envelope.tenantId) else {
            return .permanentFailure(reason: "telegram bot token is not configured for this tenant")
        }
        guard let text = envelope.content?.plainText, !text.isEmpty else {
            return .permanentFailure(reason: "telegram replies carry text only")
        }
        guard let url = URL(string: "\(apiBase)/bot\(token)/sendMessage") else {
            return .permanentFailure(reason: "telegram bot token is not usable in a URL")
        }
        // The bot's token is a credential: the circuit is named after the tenant, whose bot it is.
        let bot = "telegram:\(envelope.tenantId)"
        let limits: [ProviderSender.Limit] = [
            .init(limiter: perBot, key: bot), .init(limiter: perChat, key: "\(bot)|\(envelope.externalId)"),
        ]
        var progress = progress
        return try await progress.send(TextSplitter.telegram.split(text)) { part in
            let body = TwilioForm.encode([
                ("chat_id", envelope.externalId), ("text", part), ("reply_markup", #"{"remove_keyboard":true}"#),
            ])
            let request = ProviderHTTPRequest(
                url: url, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body)
            return await sender.send(request, account: bot, limits: limits, step: TelegramOutbound.step(for:))
        }
    }

    /// What one Bot API answer means.
    static func step(for response: ProviderHTTPResponse) -> RetryPolicy.Step<DeliveryOutcome> {
        let answer = try? JSONDecoder().decode(TelegramAnswer.self, from: Data(response.body))
        // The description may quote the chat: scrubbed, as it goes into logs and dead letters.
        let description = answer?.description.map { LogPrivacy.scrubbed($0) } ?? "telegram answered \(response.status)"
        if response.isSuccess {
            return .done(.sent(providerMessageId: answer?.result?.message_id.map { String($0) }))
        }
        if RetryPolicy.isRetriable(status: response.status) {
            let wait = answer?.parameters?.retry_after.map { Duration.seconds($0) } ?? response.retryAfter
            return .retry(.retriableFailure(reason: description), retryAfter: wait)
        }
        return .done(.permanentFailure(reason: description))
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
