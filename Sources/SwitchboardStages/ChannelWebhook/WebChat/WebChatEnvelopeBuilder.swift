public import Foundation
public import SwitchboardCore

/// Turns a web chat request into its inbound envelope. Pure: ids and time come in.
public struct WebChatEnvelopeBuilder: Sendable {
    /// Namespace of envelope ids derived from client message ids. Never change it: a repeated request
    /// must get the same id across versions.
    public static let namespace = UUID(uuidString: "3c1d9a4e-7b2f-4e6a-8d5c-1f0e9b8a7c6d")!

    public init() {}

    /// The inbound envelope for `request` from `tenantId`.
    ///
    /// With a `client_message_id` the envelope id is derived from tenant, user and that id, and so is the
    /// conversation id when none was given: the same request sent twice yields the same envelope, which
    /// downstream stages store and answer once. Otherwise both are `newId` (conversation id as a string).
    public func envelope(
        for request: WebChatMessageRequest, tenantId: String, traceId: String, newId: UUID, receivedAt: Date
    ) -> Envelope {
        let id =
            request.clientMessageId.map {
                Self.envelopeId(tenantId: tenantId, userId: request.userId, clientMessageId: $0)
            } ?? newId
        var envelope = Envelope(
            id: id, tenantId: tenantId, channel: .webchat, direction: .inbound, kind: .message,
            channelMessageId: request.clientMessageId, externalId: request.userId, content: .text(request.message),
            receivedAt: receivedAt, traceId: traceId)
        envelope.conversationId =
            request.conversationId
            ?? (request.clientMessageId == nil
                ? newId.uuidString.lowercased()
                : DerivedID.make(from: id, name: "webchat-conversation").uuidString.lowercased())
        return envelope
    }

    /// `envelope` after ``InboundValueCheck``, as every channel's messages: with the reason when a value is out
    /// of range and it is to be published as `unsupported`. Throws 400 with the reason when the visitor's id
    /// itself is out of range (the envelope cannot be attributed to anyone; the visitor is there to be told).
    public static func checked(_ envelope: Envelope) throws(ChannelHTTPError) -> (Envelope, unsupported: String?) {
        switch InboundValueCheck.check(envelope) {
        case .accepted(let envelope): return (envelope, nil)
        case .unsupported(let envelope, let reason): return (envelope, reason)
        case .dropped(let reason): throw ChannelHTTPError(.badRequest, reason)
        }
    }

    /// The derived envelope id of a request with a client message id. The parts are framed: user `u|a` with
    /// client id `b` and user `u` with client id `a|b` are different messages.
    public static func envelopeId(tenantId: String, userId: String, clientMessageId: String) -> UUID {
        DerivedID.make(from: namespace, parts: ["webchat", tenantId, userId, clientMessageId])
    }

    /// The trace id to use: `X-Trace-Id` when it is a sane token, else the trace id of a W3C `traceparent`,
    /// else nil (the caller makes a new one).
    public static func traceId(xTraceId: String?, traceparent: String?) -> String? {
        if let value = xTraceId?.trimmingCharacters(in: .whitespaces), (1...128).contains(value.count),
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
        {
            return value
        }
        if let parts = traceparent?.trimmingCharacters(in: .whitespaces).split(separator: "-"), parts.count >= 4,
            parts[1].count == 32, parts[1].allSatisfy(\.isHexDigit), parts[1].contains(where: { $0 != "0" })
        {
            return parts[1].lowercased()
        }
        return nil
    }
}
