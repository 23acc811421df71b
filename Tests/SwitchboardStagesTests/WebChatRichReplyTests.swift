import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

extension ChannelWebhookStackTests {
    /// A rich reply (a choice) on web chat: the native API carries it as `content` beside its text fallback,
    /// the Rasa REST channel as Rasa's `buttons`.
    @Suite("web chat rich replies") struct WebChatRich {
        let key = ChannelWebhookTestEnvironment.apiKey

        func json(_ body: ByteBuffer) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
        }

        static let expectedContent = #"""
            {"type": "choice", "text": "Which one?", "style": "buttons",
             "options": [{"id": "tea", "title": "Tea"}, {"id": "coffee", "title": "Coffee"}]}
            """#

        @Test func theReplyAndTheHistoryCarryTheChoice() async throws {
            try await ChannelWebhookTestEnvironment.withDaemon(try ChannelWebhookTestEnvironment.make()) { daemon in
                try await ChannelWebhookFakeBot.alongside(daemon) { _ in
                    try await daemon.makeApplication(runningServices: true).test(.router) { client in
                        let headers: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
                        let answer = try await client.execute(
                            uri: "/api/v1/messages", method: .post, headers: headers,
                            body: ByteBuffer(
                                string: #"{"conversation_id":"","user_id":"u1","message":"options please"}"#)
                        ) { response in
                            #expect(response.status == .ok)
                            return try json(response.body)
                        }
                        let reply = try #require(answer["reply"] as? [String: Any])
                        #expect(reply["text"] as? String == "Which one?\n1. Tea\n2. Coffee")
                        #expect(try CanonicalJSON.of(reply["content"]) == CanonicalJSON.of(json: Self.expectedContent))

                        let conversation = try #require(answer["conversation_id"] as? String)
                        var withToken = headers
                        withToken[HTTPField.Name("X-Visitor-Token")!] = try #require(answer["visitor_token"] as? String)
                        try await client.execute(
                            uri: "/api/v1/user/u1/messages/\(conversation)", method: .get, headers: withToken
                        ) { response in
                            let messages = try #require(try json(response.body)["messages"] as? [[String: Any]])
                            #expect(messages.count == 2)
                            // The customer's text has no `content`; the bot's choice has.
                            #expect(messages.first?["content"] == nil)
                            #expect(
                                try CanonicalJSON.of(messages.last?["content"])
                                    == CanonicalJSON.of(json: Self.expectedContent))
                        }
                    }
                }
            }
        }

        @Test func rasaClientsGetTheOptionsAsButtons() async throws {
            let rasaOpen = TenantConfiguration(id: "acme", webchat: WebChatSettings(rasaRest: .open))
            try await ChannelWebhookTestEnvironment.withDaemon(try ChannelWebhookTestEnvironment.make(tenant: rasaOpen))
            { daemon in
                try await ChannelWebhookFakeBot.alongside(daemon) { _ in
                    try await daemon.makeApplication(runningServices: true).test(.router) { client in
                        try await client.execute(
                            uri: "/webhooks/rest/webhook?api_key=\(key)", method: .post,
                            headers: [.contentType: "application/json"],
                            body: ByteBuffer(string: #"{"sender":"rasa_user","message":"options please"}"#)
                        ) { response in
                            #expect(response.status == .ok)
                            let answer = try JSONSerialization.jsonObject(with: Data(buffer: response.body))
                            #expect(
                                try CanonicalJSON.of(answer)
                                    == CanonicalJSON.of(
                                        json: #"""
                                            [{"recipient_id": "rasa_user", "text": "Which one?", "buttons": [
                                                {"title": "Tea", "payload": "tea"}, {"title": "Coffee", "payload": "coffee"}]}]
                                            """#))
                        }
                    }
                }
            }
        }
    }
}
