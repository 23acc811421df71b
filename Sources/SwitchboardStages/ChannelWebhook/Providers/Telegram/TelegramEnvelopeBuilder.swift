public import Foundation
public import SwitchboardCore

/// Turns one Bot API `Update` into inbound envelopes. Pure: the trace id and time come in.
///
/// A message's ``Envelope/channelMessageId`` is `<chat_id>:<message_id>` (message ids are only unique per
/// chat) and its envelope id is derived from it, so Telegram's redeliveries of an update yield the same
/// envelope. Edits relate to the original message's id and derive their id from it and `edit_date`.
public struct TelegramEnvelopeBuilder: Sendable {
    /// Namespace of Telegram envelope ids. Never change it: redeliveries must keep their id across versions.
    public static let namespace = UUID(uuidString: "6f1b7e2a-4c3d-4a9e-9b5f-2d8e7c6a1b30")!

    public init() {}

    /// The envelopes of `body`; empty for update types Switchboard ignores (chat member changes, polls).
    /// Throws ``ChannelHTTPError`` 400 when `body` is not an `Update`.
    public func envelopes(
        body: [UInt8], tenantId: String, traceId: String, receivedAt: Date
    ) throws(ChannelHTTPError) -> [Envelope] {
        let update: TelegramUpdate
        let raw: JSONValue
        do {
            update = try JSONDecoder().decode(TelegramUpdate.self, from: Data(body))
            raw = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            throw ChannelHTTPError(.badRequest, "body is not a Telegram update")
        }
        // What the update carries beyond the typed fields (`entities`, `forward_origin`, `reply_to_message`,
        // `quote`, `media_group_id`, `from`, ...), verbatim, with the `update_id`.
        func extensions(_ key: String, without typed: [String]) -> [String: JSONValue] {
            var fields = raw[path: key]?.remainder(without: typed) ?? [:]
            fields["update_id"] = raw[path: "update_id"]
            return fields
        }
        func make(
            _ name: String, kind: MessageKind, channelMessageId: String, externalId: Int64, content: Content?,
            timestamp: Int64?, relatesTo: String? = nil
        ) -> Envelope {
            var envelope = Envelope(
                id: Self.envelopeId(tenantId: tenantId, name: name), tenantId: tenantId, channel: .telegram,
                direction: .inbound, kind: kind, channelMessageId: channelMessageId, externalId: String(externalId),
                content: content, channelTimestamp: timestamp.flatMap { Date(epochSeconds: Double($0)) },
                receivedAt: receivedAt, traceId: traceId, relatesTo: relatesTo)
            envelope.conversationId = String(externalId)
            return envelope
        }
        if let message = update.message {
            let id = Self.messageId(chat: message.chat.id, message: message.message_id)
            let (content, typed) = Self.typedContent(of: message)
            // A reply relates to the message it answers (kept whole under `reply_to_message` as well).
            let replied = message.reply_to_message.flatMap { reply in
                reply.message_id.map { Self.messageId(chat: reply.chatId ?? message.chat.id, message: $0) }
            }
            var envelope = make(
                "message|\(id)", kind: content == nil ? .unsupported : .message, channelMessageId: id,
                externalId: message.chat.id, content: content, timestamp: message.date, relatesTo: replied)
            envelope.channelExtensions = extensions("message", without: typed + ["message_id", "chat.id", "date"])
            return [envelope]
        }
        if let message = update.edited_message {
            let id = Self.messageId(chat: message.chat.id, message: message.message_id)
            let edited = message.edit_date ?? message.date ?? 0
            let (content, typed) = Self.typedContent(of: message)
            var envelope = make(
                "edit|\(id)|\(edited)", kind: .edit, channelMessageId: id, externalId: message.chat.id,
                content: content, timestamp: message.edit_date ?? message.date, relatesTo: id)
            envelope.channelExtensions = extensions(
                "edited_message",
                without: typed + ["message_id", "chat.id", message.edit_date == nil ? "date" : "edit_date"])
            return [envelope]
        }
        if let query = update.callback_query {
            // In a private chat the chat id is the user id; inline-mode callbacks carry no chat at all.
            let chat = query.message?.chat.id ?? query.from.id
            let relatesTo =
                query.message.map { Self.messageId(chat: $0.chat.id, message: $0.message_id) }
                ?? query.inline_message_id
            let content = query.data.map { Content.interactive(.init(payload: $0)) }
            var envelope = make(
                "callback|\(query.id)", kind: content == nil ? .unsupported : .message,
                channelMessageId: "callback:\(query.id)", externalId: chat, content: content, timestamp: nil,
                relatesTo: relatesTo)
            envelope.channelExtensions = extensions("callback_query", without: ["id", "data"])
            return [envelope]
        }
        return []
    }

    /// `<chat_id>:<message_id>`.
    public static func messageId(chat: Int64, message: Int64) -> String { "\(chat):\(message)" }

    /// The derived envelope id of the update part called `name` for `tenantId`.
    public static func envelopeId(tenantId: String, name: String) -> UUID {
        DerivedID.make(from: namespace, parts: ["telegram", tenantId, name])
    }

    /// The content of a message, or nil when it has nothing Switchboard represents (stickers, polls; they
    /// are kept raw in the channel extensions). A forward keeps its content, its origin is kept raw.
    static func content(of message: TelegramUpdate.Message) -> Content? {
        typedContent(of: message).0
    }

    /// The content and the paths (in the message) of the values it holds, which are not repeated in the
    /// envelope's channel extensions. A photo's sizes stay whole there (only the largest is typed).
    static func typedContent(of message: TelegramUpdate.Message) -> (Content?, [String]) {
        if let text = message.text { return (.text(text), ["text"]) }
        if let photo = message.photo, let largest = largestPhoto(photo) {
            return (
                .media(.init(reference: largest.file_id, mimeType: "image/jpeg", caption: message.caption)), ["caption"]
            )
        }
        let files: [(TelegramUpdate.File?, String, String)] = [
            (message.document, "application/octet-stream", "document"), (message.video, "video/mp4", "video"),
            (message.voice, "audio/ogg", "voice"), (message.audio, "audio/mpeg", "audio"),
        ]
        for case let (file?, fallback, key) in files {
            return (
                .media(
                    .init(
                        reference: file.file_id, mimeType: file.mime_type ?? fallback, caption: message.caption,
                        fileName: file.file_name)),
                ["caption"] + ["file_id", "mime_type", "file_name"].map { "\(key).\($0)" }
            )
        }
        if let venue = message.venue {
            return (
                location(venue.location, name: venue.title, address: venue.address),
                ["venue.location.latitude", "venue.location.longitude", "venue.title", "venue.address"]
            )
        }
        if let location = message.location {
            return (Self.location(location, name: nil, address: nil), ["location.latitude", "location.longitude"])
        }
        if let contact = message.contact {
            let name = [contact.first_name, contact.last_name].compactMap { $0 }.joined(separator: " ")
            return (
                .contact(.init(name: name.isEmpty ? contact.phone_number : name, phones: [contact.phone_number])),
                ["contact.phone_number", "contact.first_name", "contact.last_name"]
            )
        }
        return (nil, [])
    }

    /// The location as sent: its range is checked with every other channel's (``InboundValueCheck``).
    private static func location(_ location: TelegramUpdate.Location, name: String?, address: String?) -> Content? {
        .location(
            .init(latitude: location.latitude, longitude: location.longitude, name: name, address: address))
    }

    /// The largest size by pixels (then bytes): Telegram lists sizes small to large, but does not promise it.
    private static func largestPhoto(_ sizes: [TelegramUpdate.PhotoSize]) -> TelegramUpdate.PhotoSize? {
        sizes.max { lhs, rhs in
            let left = (lhs.width ?? 0) * (lhs.height ?? 0)
            let right = (rhs.width ?? 0) * (rhs.height ?? 0)
            return left == right ? (lhs.file_size ?? 0) < (rhs.file_size ?? 0) : left < right
        }
    }
}
