public import Foundation

/// A validated `POST /api/v1/messages` body:
/// `{"conversation_id": "" | "<id>", "user_id": "...", "message": "...", "client_message_id": "..."}`.
public struct WebChatMessageRequest: Sendable, Hashable {
    /// Longest accepted `user_id`, `conversation_id` and `client_message_id`, in bytes of UTF-8: the
    /// ``InboundValueCheck/maxIdBytes`` of every channel.
    public static let maxIdentifierLength = InboundValueCheck.maxIdBytes

    /// Nil for a new conversation (absent or empty in the body).
    public var conversationId: String?
    /// The visitor's id; the envelope's external id.
    public var userId: String
    /// The text the visitor wrote.
    public var message: String
    /// The client's id for this message; makes a repeated request idempotent.
    public var clientMessageId: String?

    public init(conversationId: String?, userId: String, message: String, clientMessageId: String?) {
        self.conversationId = conversationId
        self.userId = userId
        self.message = message
        self.clientMessageId = clientMessageId
    }

    /// The body's field names: the native API's, or the Rasa REST channel's.
    public struct Fields: Sendable, Hashable {
        public var userId: String
        public var message: String
        /// Nil where the API has no conversation id: the conversation is then the user's own.
        public var conversationId: String?
        public var clientMessageId: String?

        /// `POST /api/v1/messages`.
        public static let native = Fields(
            userId: "user_id", message: "message", conversationId: "conversation_id",
            clientMessageId: "client_message_id")
        /// Rasa's REST channel, `POST /webhooks/rest/webhook`: `{"sender": "...", "message": "..."}`.
        public static let rasa = Fields(userId: "sender", message: "message", conversationId: nil, clientMessageId: nil)
    }

    /// Parses and validates a body; throws ``WebChatValidationError`` with the reason to answer 400 with.
    public init(json: Data, fields names: Fields = .native) throws(WebChatValidationError) {
        guard let object = try? JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed]) else {
            throw WebChatValidationError("request body is not valid JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw WebChatValidationError("request body must be a JSON object")
        }
        func string(_ key: String, required: Bool) throws(WebChatValidationError) -> String? {
            guard let value = fields[key], !(value is NSNull) else {
                if required { throw WebChatValidationError("'\(key)' is required") }
                return nil
            }
            guard let text = value as? String else { throw WebChatValidationError("'\(key)' must be a string") }
            return text
        }
        func identifier(_ key: String, required: Bool) throws(WebChatValidationError) -> String? {
            guard let text = try string(key, required: required)?.trimmingCharacters(in: .whitespaces) else {
                return nil
            }
            if text.isEmpty {
                if required { throw WebChatValidationError("'\(key)' must not be empty") }
                return nil
            }
            // Bytes, as ``InboundValueCheck`` counts every channel's ids.
            guard text.utf8.count <= Self.maxIdentifierLength else {
                throw WebChatValidationError("'\(key)' is longer than \(Self.maxIdentifierLength) bytes")
            }
            guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw WebChatValidationError("'\(key)' contains control characters")
            }
            return text
        }
        let userId = try identifier(names.userId, required: true) ?? ""
        let message = try string(names.message, required: true) ?? ""
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw WebChatValidationError("'\(names.message)' must not be empty")
        }
        let conversationId =
            if let key = names.conversationId { try identifier(key, required: false) } else { userId }
        self.init(
            conversationId: conversationId, userId: userId, message: message,
            clientMessageId: try names.clientMessageId.flatMap { key throws(WebChatValidationError) in
                try identifier(key, required: false)
            })
    }
}

/// Why a web chat request was refused with 400.
public struct WebChatValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
