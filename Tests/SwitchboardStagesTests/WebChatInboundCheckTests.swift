import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// Web chat's messages go through ``InboundValueCheck`` as every vendor channel's do, ids are counted in bytes
/// the same way, and refusals of its message routes are logged as every webhook's.
@Suite("Web chat inbound: the same value check as every channel")
struct WebChatInboundCheckTests {
    func envelope(userId: String, message: String) -> Envelope {
        WebChatEnvelopeBuilder().envelope(
            for: WebChatMessageRequest(conversationId: "c-1", userId: userId, message: message, clientMessageId: nil),
            tenantId: "acme", traceId: "t", newId: UUID(), receivedAt: ProviderFixtures.receivedAt)
    }

    @Test func idsAreCountedInBytesAsOnEveryChannel() throws {
        // 65 four-byte emoji: 65 characters, 260 bytes.
        let long = String(repeating: "😮", count: 65)
        let body = try JSONSerialization.data(withJSONObject: ["user_id": long, "message": "hi"])
        #expect(throws: WebChatValidationError("'user_id' is longer than 256 bytes")) {
            try WebChatMessageRequest(json: body)
        }
        let fits = try JSONSerialization.data(withJSONObject: ["user_id": String(long.dropFirst()), "message": "hi"])
        #expect(try WebChatMessageRequest(json: fits).userId == String(long.dropFirst()))
    }

    @Test func theEnvelopeIsChecked() throws {
        let fine = envelope(userId: "visitor-1", message: "hello")
        let (accepted, reason) = try WebChatEnvelopeBuilder.checked(fine)
        #expect(accepted == fine)
        #expect(reason == nil)

        let long = String(repeating: "a", count: InboundValueCheck.maxTextBytes + 1)
        let (unsupported, why) = try WebChatEnvelopeBuilder.checked(envelope(userId: "visitor-1", message: long))
        #expect(why == "text is longer than 65536 bytes")
        #expect(unsupported.kind == .unsupported)
        #expect(unsupported.content == nil)

        let refusal = #expect(throws: ChannelHTTPError.self) {
            try WebChatEnvelopeBuilder.checked(envelope(userId: "visitor\u{1}", message: "hi"))
        }
        #expect(refusal?.status == .badRequest)
        #expect(refusal?.reason == "external id holds control characters")
    }

    /// The message routes' refusals (400, 401, 413) are logged at warning with the channel, tenant and reason,
    /// never the body or the key.
    @Test func refusalsAreLoggedAtWarning() async throws {
        let environment = try ChannelWebhookTestEnvironment.make(maxBodyBytes: 256)
        let records = LogRecords()
        let marker = "WEBCHAT-BODY-MARKER-4711"
        try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
            var context = daemon.context
            context.logger = records.logger(label: "channel-webhook")
            let router = Router(context: ChannelRequestContext.self)
            for adapter in daemon.adapters.all { adapter.addRoutes(to: router, context: context) }
            let key = ChannelWebhookTestEnvironment.apiKey
            let cases: [(String, String, String, HTTPResponse.Status, String, String)] = [
                ("/api/v1/messages", key, #"{"user_id": "\#(marker)"}"#, .badRequest, "acme", "'message' is required"),
                (
                    "/api/v1/messages", "wrong-\(marker)", #"{"user_id":"u","message":"hi"}"#, .unauthorized, "unknown",
                    "missing or invalid API key"
                ),
                (
                    "/api/v1/messages", key, String(repeating: marker, count: 20), .contentTooLarge, "acme",
                    "request body is larger than 256 bytes"
                ),
                (
                    "/webhooks/rest/webhook", key, #"{"sender":"u","message":"hi"}"#, .forbidden, "acme",
                    "the Rasa REST channel is off"
                ),
            ]
            try await Application(router: router).test(.router) { client in
                for (path, key, body, status, tenant, reason) in cases {
                    let before = records.all.count
                    let answered = try await client.execute(
                        uri: path, method: .post,
                        headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                        body: ByteBuffer(bytes: Array(body.utf8))
                    ) { $0.status }
                    #expect(answered == status, "\(path) \(reason)")
                    let refusal = try #require(
                        records.all.dropFirst(before).first { $0.message == "Webhook refused" }, "\(reason): not logged"
                    )
                    #expect(refusal.level == .warning)
                    #expect(refusal.metadata["channel"] == "webchat")
                    #expect(refusal.metadata["tenant"] == tenant)
                    #expect(refusal.metadata["status"] == String(status.code))
                    #expect(refusal.metadata["reason"]?.hasPrefix(reason) == true, "\(refusal)")
                }
            }
        }
        let leaks = records.all.filter { $0.description.contains(marker) || $0.description.contains("acme-test-key") }
        #expect(leaks.isEmpty, "\(leaks.map(\.description))")
    }
}
