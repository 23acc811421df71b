import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// What a client of Rasa's REST channel reads from an answer: a list of messages with text or an image.
private struct RasaClientMessage: Decodable, Equatable {
    var recipient_id: String?
    var text: String?
    var image: String?
}

@Suite("Rasa REST channel requests")
struct WebChatRasaRequestTests {
    func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: TestStack.channelFixtures.appendingPathComponent("webchat/\(name)"))
    }

    @Test func theDocumentedRequestIsAMessageInTheSendersOwnConversation() throws {
        let request = try WebChatMessageRequest(json: try fixture("rasa_rest_request.json"), fields: .rasa)
        #expect(
            request
                == WebChatMessageRequest(
                    conversationId: "test_user", userId: "test_user", message: "Hi there!", clientMessageId: nil))
    }

    @Test func missingOrEmptyFieldsAreRefusedWithTheirRasaNames() {
        #expect(throws: WebChatValidationError("'sender' is required")) {
            try WebChatMessageRequest(json: Data(#"{"message":"Hi"}"#.utf8), fields: .rasa)
        }
        #expect(throws: WebChatValidationError("'message' must not be empty")) {
            try WebChatMessageRequest(json: Data(#"{"sender":"u","message":"  "}"#.utf8), fields: .rasa)
        }
    }

    @Test func theDocumentedAnswerParsesAsAListOfMessages() throws {
        let answer = try JSONDecoder().decode([RasaClientMessage].self, from: try fixture("rasa_rest_response.json"))
        #expect(answer == [.init(text: "Hey Rasa!"), .init(image: "http://example.com/image.jpg")])
    }
}

extension ChannelWebhookStackTests {
    @Suite("Rasa REST channel") struct RasaREST {
        @Test func theDocumentedRequestIsAnsweredWithTheBotsRepliesInRasasShape() async throws {
            let body = try Data(
                contentsOf: TestStack.channelFixtures.appendingPathComponent("webchat/rasa_rest_request.json"))
            let rasaOpen = TenantConfiguration(id: "acme", webchat: WebChatSettings(rasaRest: .open))
            try await ChannelWebhookTestEnvironment.withDaemon(try ChannelWebhookTestEnvironment.make(tenant: rasaOpen))
            {
                daemon in
                try await ChannelWebhookFakeBot.alongside(daemon) { _ in
                    try await daemon.makeApplication(runningServices: true).test(.router) { client in
                        let key = ChannelWebhookTestEnvironment.apiKey
                        try await client.execute(
                            uri: "/webhooks/rest/webhook?api_key=\(key)", method: .post,
                            headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body)
                        ) { response in
                            #expect(response.status == .ok)
                            let answer = try JSONDecoder().decode(
                                [RasaClientMessage].self, from: Data(buffer: response.body))
                            #expect(answer == [.init(recipient_id: "test_user", text: "echo: Hi there!")])
                        }
                        // Rasa clients carry no visitor token, so the native history stays closed to them.
                        try await client.execute(
                            uri: "/api/v1/user/test_user/messages/test_user", method: .get,
                            headers: [.authorization: "Bearer \(key)"]
                        ) { response in
                            #expect(response.status == .unauthorized)
                        }
                        try await client.execute(
                            uri: "/webhooks/rest/webhook", method: .post, body: ByteBuffer(bytes: body)
                        ) { response in
                            #expect(response.status == .unauthorized)
                        }
                    }
                }
            }
        }
    }
}
