import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("Visitor tokens, signed and checked")
struct VisitorTokenUnitTests {
    let tokens = VisitorTokens(secret: Array("0123456789abcdef0123456789abcdef".utf8), lifetime: 3600)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func refusal(
        _ token: String, tenant: String = "acme", user: String = "u1", conversation: String = "c1", at: Date? = nil
    ) async -> VisitorTokens.Refusal? {
        do {
            try await tokens.verify(token, tenantId: tenant, userId: user, conversationId: conversation, now: at ?? now)
            return nil
        } catch {
            return error
        }
    }

    @Test("a token opens exactly its tenant, visitor and conversation, until it expires")
    func binding() async throws {
        let token = try await tokens.issue(tenantId: "acme", userId: "u1", conversationId: "c1", now: now)
        #expect(await refusal(token) == nil)
        #expect(await refusal(token, tenant: "other") == .otherConversation)
        #expect(await refusal(token, user: "u2") == .otherConversation)
        #expect(await refusal(token, conversation: "c2") == .otherConversation)
        #expect(await refusal(token, at: now.addingTimeInterval(3599)) == nil)
        #expect(await refusal(token, at: now.addingTimeInterval(3600)) == .expired)
    }

    @Test("a token signed with another key, or altered, is invalid")
    func forged() async throws {
        let other = VisitorTokens(secret: Array("another-secret-another-secret-xx".utf8))
        let foreign = try await other.issue(tenantId: "acme", userId: "u1", conversationId: "c1", now: now)
        #expect(await refusal(foreign) == .invalid)
        let token = try await tokens.issue(tenantId: "acme", userId: "u1", conversationId: "c1", now: now)
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = Data(#"{"tid":"acme","sub":"u2","cid":"c1","exp":1900000000}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
        #expect(await refusal(parts.joined(separator: "."), user: "u2") == .invalid)
        #expect(await refusal("not-a-token") == .invalid)
    }
}

extension ChannelWebhookStackTests {
    /// Before: anyone with the tenant's public key could read or continue any visitor's conversation by naming
    /// its user and conversation ids.
    @Suite("web chat visitor identity") struct VisitorIdentity {
        let key = ChannelWebhookTestEnvironment.apiKey

        func headers(token: String? = nil) -> HTTPFields {
            var fields: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
            if let token { fields[HTTPField.Name("X-Visitor-Token")!] = token }
            return fields
        }

        func json(_ body: ByteBuffer) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
        }

        @Test("another client with the public key can neither read nor continue a visitor's conversation")
        func strangerIsRefused() async throws {
            try await ChannelWebhookTestEnvironment.withDaemon(try ChannelWebhookTestEnvironment.make()) { daemon in
                try await ChannelWebhookFakeBot.alongside(daemon) { _ in
                    try await daemon.makeApplication(runningServices: true).test(.router) { client in
                        let first = try await client.execute(
                            uri: "/api/v1/messages", method: .post, headers: headers(),
                            body: ByteBuffer(string: #"{"conversation_id":"conv-v","user_id":"v1","message":"Hi"}"#)
                        ) { response in
                            #expect(response.status == .ok)
                            return try json(response.body)
                        }
                        let token = try #require(first["visitor_token"] as? String)
                        // The owner, with the token, reads the history (the reply came with the answer).
                        let history = try await client.execute(
                            uri: "/api/v1/user/v1/messages/conv-v", method: .get, headers: headers(token: token)
                        ) { response in
                            try json(response.body)["messages"] as? [[String: Any]] ?? []
                        }
                        #expect(history.map { $0["text"] as? String } == ["Hi", "echo: Hi"])
                        // A stranger: no token, then a token of their own conversation.
                        try await client.execute(
                            uri: "/api/v1/user/v1/messages/conv-v", method: .get, headers: headers()
                        ) { response in
                            #expect(response.status == .unauthorized)
                        }
                        try await client.execute(
                            uri: "/api/v1/user/v1/messages/conv-v/stream", method: .get, headers: headers()
                        ) { response in
                            #expect(response.status == .unauthorized)
                        }
                        let own = try await client.execute(
                            uri: "/api/v1/messages", method: .post, headers: headers(),
                            body: ByteBuffer(string: #"{"user_id":"v2","message":"Me"}"#)
                        ) { response in try json(response.body) }
                        let strangerToken = try #require(own["visitor_token"] as? String)
                        try await client.execute(
                            uri: "/api/v1/user/v1/messages/conv-v", method: .get, headers: headers(token: strangerToken)
                        ) { response in
                            #expect(response.status == .forbidden)
                        }
                        // Continuing the conversation: refused without its token, taken with it.
                        let again = ByteBuffer(string: #"{"conversation_id":"conv-v","user_id":"v1","message":"More"}"#)
                        try await client.execute(
                            uri: "/api/v1/messages", method: .post, headers: headers(), body: again
                        ) { response in
                            #expect(response.status == .forbidden)
                        }
                        try await client.execute(
                            uri: "/api/v1/messages", method: .post, headers: headers(token: strangerToken), body: again
                        ) { response in
                            #expect(response.status == .forbidden)
                        }
                        try await client.execute(
                            uri: "/api/v1/messages", method: .post, headers: headers(token: token), body: again
                        ) { response in
                            #expect(response.status == .ok)
                        }
                    }
                }
            }
        }

        @Test("history pages count only the visitor's messages, newest last, and page back with 'older'")
        func historyPaging() async throws {
            let environment = try ChannelWebhookTestEnvironment.make(replyWaitMilliseconds: 20_000)
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                try await ChannelWebhookFakeBot.alongside(daemon) { _ in
                    try await daemon.makeApplication(runningServices: true).test(.router) { client in
                        var token: String?
                        for index in 0..<3 {
                            let answer = try await client.execute(
                                uri: "/api/v1/messages", method: .post, headers: headers(token: token),
                                body: ByteBuffer(
                                    string: #"{"conversation_id":"conv-p","user_id":"p1","message":"m\#(index)"}"#)
                            ) { response in
                                #expect(response.status == .ok)
                                return try json(response.body)
                            }
                            token = answer["visitor_token"] as? String
                        }
                        let newest = try await client.execute(
                            uri: "/api/v1/user/p1/messages/conv-p?limit=4", method: .get, headers: headers(token: token)
                        ) { response in try json(response.body) }
                        let page = try #require(newest["messages"] as? [[String: Any]])
                        #expect(page.map { $0["text"] as? String } == ["m1", "echo: m1", "m2", "echo: m2"])
                        let older = try #require(newest["older"] as? String)
                        let rest = try await client.execute(
                            uri: "/api/v1/user/p1/messages/conv-p?limit=4&before=\(older)", method: .get,
                            headers: headers(token: token)
                        ) { response in try json(response.body) }
                        #expect(
                            (rest["messages"] as? [[String: Any]])?.map { $0["text"] as? String } == ["m0", "echo: m0"])
                        #expect(rest["older"] == nil)
                    }
                }
            }
        }

        @Test("the Rasa REST channel answers 403 unless the tenant opens it")
        func rasaOff() async throws {
            try await ChannelWebhookTestEnvironment.withDaemon(try ChannelWebhookTestEnvironment.make()) { daemon in
                try await daemon.makeApplication(runningServices: false).test(.router) { client in
                    try await client.execute(
                        uri: "/webhooks/rest/webhook", method: .post, headers: headers(),
                        body: ByteBuffer(string: #"{"sender":"s","message":"Hi"}"#)
                    ) { response in
                        #expect(response.status == .forbidden)
                    }
                }
            }
        }
    }
}
