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
        do {
            update = try JSONDecoder().decode(TelegramUpdate.self, from: Data(body))
        } catch {
            throw ChannelHTTPError(.badRequest, "body is not a Telegram update")
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
            let content = Self.content(of: message)
            return [
                make(
                    "message|\(id)", kind: content == nil ? .unsupported : .message, channelMessageId: id,
                    externalId: message.chat.id, content: content, timestamp: message.date)
            ]
        }
        if let message = update.edited_message {
            let id = Self.messageId(chat: message.chat.id, message: message.message_id)
            let edited = message.edit_date ?? message.date ?? 0
            return [
                make(
                    "edit|\(id)|\(edited)", kind: .edit, channelMessageId: id, externalId: message.chat.id,
                    content: Self.content(of: message), timestamp: message.edit_date ?? message.date, relatesTo: id)
            ]
        }
        if let query = update.callback_query {
            // In a private chat the chat id is the user id; inline-mode callbacks carry no chat at all.
            let chat = query.message?.chat.id ?? query.from.id
            let relatesTo =
                query.message.map { Self.messageId(chat: $0.chat.id, message: $0.message_id) }
                ?? query.inline_message_id
            let content = query.data.map { Content.interactive(.init(payload: $0)) }
            return [
                make(
                    "callback|\(query.id)", kind: content == nil ? .unsupported : .message,
                    channelMessageId: "callback:\(query.id)", externalId: chat, content: content, timestamp: nil,
                    relatesTo: relatesTo)
            ]
        }
        return []
    }

    /// `<chat_id>:<message_id>`.
    public static func messageId(chat: Int64, message: Int64) -> String { "\(chat):\(message)" }

    /// The derived envelope id of the update part called `name` for `tenantId`.
    public static func envelopeId(tenantId: String, name: String) -> UUID {
        DerivedID.make(from: namespace, parts: ["telegram", tenantId, name])
    }

    /// The content of a message, or nil when it has nothing Switchboard represents (stickers, polls).
    /// Forwarded messages keep their content; the forward is not represented.
    static func content(of message: TelegramUpdate.Message) -> Content? {
        if let text = message.text { return .text(text) }
        if let photo = message.photo, let largest = largestPhoto(photo) {
            return .media(.init(reference: largest.file_id, mimeType: "image/jpeg", caption: message.caption))
        }
        let files: [(TelegramUpdate.File?, String)] = [
            (message.document, "application/octet-stream"), (message.video, "video/mp4"),
            (message.voice, "audio/ogg"), (message.audio, "audio/mpeg"),
        ]
        for case let (file?, fallback) in files {
            return .media(
                .init(
                    reference: file.file_id, mimeType: file.mime_type ?? fallback, caption: message.caption,
                    fileName: file.file_name))
        }
        if let venue = message.venue {
            return location(venue.location, name: venue.title, address: venue.address)
        }
        if let location = message.location { return Self.location(location, name: nil, address: nil) }
        if let contact = message.contact {
            let name = [contact.first_name, contact.last_name].compactMap { $0 }.joined(separator: " ")
            return .contact(.init(name: name.isEmpty ? contact.phone_number : name, phones: [contact.phone_number]))
        }
        return nil
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
