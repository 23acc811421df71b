import Foundation
import SwitchboardCore

/// Sends replies with the Bot API, form-encoded: text with `sendMessage` as plain text (no `parse_mode`:
/// replies are not written as Markdown, and an unbalanced `_` or `*` would make Telegram refuse them),
/// splitting text over Telegram's limit; media, locations and choices with the calls of ``calls(for:chat:)``.
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
        guard let content = envelope.content else { return .permanentFailure(reason: "telegram reply has no content") }
        if let problem = content.outboundProblem(on: .telegram) { return .permanentFailure(reason: problem) }
        let calls = Self.calls(for: content, chat: envelope.externalId)
        guard !calls.isEmpty else {
            return .permanentFailure(reason: "telegram cannot send \(content.typeName) content")
        }
        guard URL(string: "\(apiBase)/bot\(token)/sendMessage") != nil else {
            return .permanentFailure(reason: "telegram bot token is not usable in a URL")
        }
        // The bot's token is a credential: the circuit is named after the tenant, whose bot it is.
        let bot = "telegram:\(envelope.tenantId)"
        let limits: [ProviderSender.Limit] = [
            .init(limiter: perBot, key: bot), .init(limiter: perChat, key: "\(bot)|\(envelope.externalId)"),
        ]
        var progress = progress
        return try await progress.send(calls) { call in
            guard let url = URL(string: "\(apiBase)/bot\(token)/\(call.method)") else {
                return .permanentFailure(reason: "telegram bot token is not usable in a URL")
            }
            let request = ProviderHTTPRequest(
                url: url, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: TwilioForm.encode(call.fields))
            return await sender.send(request, account: bot, limits: limits, step: TelegramOutbound.step(for:))
        }
    }

    /// `sendChatAction` with `action=typing` for a typing indicator, tried once and paced only per bot (the
    /// per-chat pace is the replies'); a read receipt Telegram does not have.
    func sendActions(_ envelope: Envelope) async -> SenderActionOutcome {
        guard envelope.senderActions?.contains(.typing) == true else { return .unsupported }
        guard let token = secrets.credential("TELEGRAM_BOT_TOKEN", tenantId: envelope.tenantId) else {
            return .failed(reason: "telegram bot token is not configured for this tenant")
        }
        guard let url = URL(string: "\(apiBase)/bot\(token)/sendChatAction") else {
            return .failed(reason: "telegram bot token is not usable in a URL")
        }
        let bot = "telegram:\(envelope.tenantId)"
        let request = ProviderHTTPRequest(
            url: url, headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: TwilioForm.encode([("chat_id", envelope.externalId), ("action", "typing")]))
        return await sender.once.send(
            request, account: bot, limits: [.init(limiter: perBot, key: bot)], step: TelegramOutbound.step(for:)
        ).senderActionOutcome
    }

    /// One Bot API call: its method and form fields.
    struct Call: Sendable {
        var method: String
        var fields: [(name: String, value: String)]
    }

    /// The calls that send `content` to `chat`, in order; empty for content Telegram cannot carry.
    ///
    /// Text goes with `sendMessage` in parts of Telegram's limit, removing any custom keyboard; media with
    /// `sendPhoto`, `sendDocument`, `sendAudio` or `sendVideo` (a URL or a Telegram `file_id`) and its
    /// caption; a location with `sendVenue` when it has a name and an address, else `sendLocation`; a choice
    /// with `sendMessage` and an `inline_keyboard` whose buttons carry the option ids as `callback_data`
    /// (buttons side by side, a list one per row).
    static func calls(for content: Content, chat: String) -> [Call] {
        let removeKeyboard = #"{"remove_keyboard":true}"#
        switch content {
        case .text, .interactive:
            guard let text = content.plainText, !text.isEmpty else { return [] }
            return TextSplitter.telegram.split(text).map {
                Call(
                    method: "sendMessage", fields: [("chat_id", chat), ("text", $0), ("reply_markup", removeKeyboard)])
            }
        case .media(let media):
            let (method, field) =
                switch media.resolvedKind {
                case .image: ("sendPhoto", "photo")
                case .document: ("sendDocument", "document")
                case .audio: ("sendAudio", "audio")
                case .video: ("sendVideo", "video")
                }
            var fields: [(name: String, value: String)] = [("chat_id", chat), (field, media.reference)]
            if let caption = media.caption, !caption.isEmpty { fields.append(("caption", caption)) }
            return [Call(method: method, fields: fields)]
        case .location(let location):
            var fields: [(name: String, value: String)] = [
                ("chat_id", chat), ("latitude", "\(location.latitude)"), ("longitude", "\(location.longitude)"),
            ]
            if let name = location.name, let address = location.address, !name.isEmpty, !address.isEmpty {
                fields += [("title", name), ("address", address)]
                return [Call(method: "sendVenue", fields: fields)]
            }
            return [Call(method: "sendLocation", fields: fields)]
        case .choice(let choice):
            let buttons = choice.options.map { InlineKeyboard.Button(text: $0.title, callback_data: $0.id) }
            let keyboard = InlineKeyboard(
                inline_keyboard: choice.style == .buttons ? [buttons] : buttons.map { [$0] })
            return [
                Call(
                    method: "sendMessage",
                    fields: [("chat_id", chat), ("text", choice.text), ("reply_markup", keyboard.json)])
            ]
        case .contact:
            return []
        }
    }

    /// `reply_markup` with buttons under the message.
    struct InlineKeyboard: Encodable {
        struct Button: Encodable {
            var text: String
            var callback_data: String
        }
        var inline_keyboard: [[Button]]

        var json: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
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
