import Crypto
import Foundation
import NIOCore
import SwitchboardCore
import SwitchboardStages

/// The fault suite's steady stream: web chat messages and signed WhatsApp webhooks at a fixed rate, each
/// from its own customer and with its own id, so every message is followed to its reply.
struct FaultsLoad: Sendable {
    /// A request's path, header fields and body, before it is bound to a pool.
    struct Request: Sendable {
        var path: String
        var headers: [(String, String)]
        var body: ByteBuffer
    }

    var tenant: String
    var apiKey: String
    var appSecret: String
    /// The tenant's WhatsApp phone number id (webhooks for another number may be ignored).
    var phoneNumberId: String
    /// Unique per scenario: in user ids, message ids and trace ids.
    var run: String
    /// Unique digits per scenario that start each WhatsApp customer's number.
    var phonePrefix: String
    /// The share of messages sent as WhatsApp webhooks (0...1); the rest are web chat.
    var whatsappShare: Double

    /// Texts the demo bot answers with confidence (a low-confidence one would hand the customer to a person,
    /// who never answers in this run).
    private static let texts = [
        "hi there", "what are your opening hours", "where is my order?", "has my order shipped yet",
        "thanks a lot", "are you open on sunday", "good morning", "track my order",
    ]

    func channel(of index: Int) -> FaultsMessage.Channel {
        // Spread evenly: message i is WhatsApp when the running share crosses a whole number.
        let before = Int((Double(index) * whatsappShare).rounded(.down))
        let after = Int((Double(index + 1) * whatsappShare).rounded(.down))
        return after > before ? .whatsapp : .webchat
    }

    /// Message `index` as the stream sends it at `due`, and the request that sends it.
    func request(_ index: Int, due: Date) -> (FaultsMessage, Request) {
        let text = Self.texts[index % Self.texts.count]
        switch channel(of: index) {
        case .webchat:
            let user = "faults-\(run)-\(index)"
            let clientId = "m-\(index)"
            let traceId = "faults-\(run)-\(index)"
            let id = WebChatEnvelopeBuilder.envelopeId(tenantId: tenant, userId: user, clientMessageId: clientId)
            // No conversation named: a named one needs the visitor's token from its second message on, and each
            // visitor here sends one message; the conversation is derived from the client message id.
            let fields = ["user_id": user, "message": text, "client_message_id": clientId]
            let body = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
            let message = FaultsMessage(
                index: index, channel: .webchat, id: id.uuidString.lowercased(), traceId: traceId, due: due)
            return (
                message,
                Request(
                    path: "/api/v1/messages",
                    headers: [
                        ("Authorization", "Bearer \(apiKey)"), ("Content-Type", "application/json"),
                        ("X-Trace-Id", traceId),
                    ], body: ByteBuffer(bytes: body))
            )
        case .whatsapp:
            let phone = phonePrefix + String(format: "%06d", index)
            let wamid = "wamid.faults-\(run)-\(index)"
            let id = ProviderEnvelopeID.make(channel: .whatsapp, tenantId: tenant, wamid)
            let timestamp = Int(due.timeIntervalSince1970)
            let json = """
                {"entry":[{"changes":[{"field":"messages","value":{"contacts":[{"profile":{"name":"faults"},\
                "wa_id":"\(phone)"}],"messages":[{"from":"\(phone)","id":"\(wamid)","text":{"body":"\(text)"},\
                "timestamp":"\(timestamp)","type":"text"}],"messaging_product":"whatsapp","metadata":\
                {"display_phone_number":"15550000001","phone_number_id":"\(phoneNumberId)"}}}],\
                "id":"\(phoneNumberId)"}],"object":"whatsapp_business_account"}
                """
            let body = Array(json.utf8)
            let code = Crypto.HMAC<Crypto.SHA256>.authenticationCode(
                for: body, using: SymmetricKey(data: Array(appSecret.utf8)))
            let signature = "sha256=" + code.map { String(format: "%02x", $0) }.joined()
            let message = FaultsMessage(
                index: index, channel: .whatsapp, id: id.uuidString.lowercased(),
                traceId: ProviderEnvelopeID.traceId(for: id), recipient: phone, due: due)
            return (
                message,
                Request(
                    path: "/webhooks/whatsapp/\(tenant)",
                    headers: [("Content-Type", "application/json"), ("X-Hub-Signature-256", signature)],
                    body: ByteBuffer(bytes: body))
            )
        }
    }

    /// Sends `count` messages at `rate` per second through `pool`, recording each and its answer in
    /// `recorder`; waits at most `answerTimeout` after the last send for the answers.
    func drive(
        _ pool: HTTPPool, rate: Double, count: Int, wall: WallClock, answerTimeout: Duration,
        recorder: FaultsRecorder
    ) async throws {
        let loop = OpenLoop(rate: rate, count: count)
        _ = try await loop.drive(pool, clock: wall.clock) { index, due in
            let (message, parts) = request(index, due: wall.date(due))
            recorder.sent(message)
            return HTTPJob.post(parts.path, host: pool.authority, headers: parts.headers, body: parts.body) { http in
                var message = message
                message.status = http.status
                message.failure =
                    http.failure ?? ((200..<300).contains(http.status) ? nil : String(http.bodyText.prefix(160)))
                recorder.answered(message)
            }
        }
        let deadline = wall.now + answerTimeout
        while recorder.answers < count, wall.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
    }
}
