import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("web chat stream: followers and cursor")
struct WebChatStreamUnitTests {
    typealias State = ReplyStreamsState<String>
    let alice = State.Key(tenantId: "acme", conversationId: "c1", userId: "alice")
    let bob = State.Key(tenantId: "acme", conversationId: "c1", userId: "bob")

    @Test func repliesReachEveryFollowerOfTheirConversationOnly() throws {
        var state = State(limit: 3)
        let first = state.follow(alice, with: "tab 1")
        let second = state.follow(alice, with: "tab 2")
        let third = state.follow(bob, with: "bob's tab")
        #expect(first != nil && second != nil && third != nil)
        #expect(state.followers(of: alice) == ["tab 1", "tab 2"])
        #expect(state.followers(of: bob) == ["bob's tab"])
        #expect(state.followers(of: State.Key(tenantId: "other", conversationId: "c1", userId: "alice")).isEmpty)
        #expect(state.count == 3)

        let ticket = try #require(first)
        let removed = state.unfollow(ticket)
        let removedAgain = state.unfollow(ticket)
        #expect(removed == "tab 1")
        #expect(removedAgain == nil)
        #expect(state.followers(of: alice) == ["tab 2"])
        #expect(state.count == 2)
    }

    @Test func aConversationTakesAtMostTheLimitOfFollowers() throws {
        var state = State(limit: 2)
        let first = state.follow(alice, with: "1")
        let second = state.follow(alice, with: "2")
        let third = state.follow(alice, with: "3")
        let otherUser = state.follow(bob, with: "other user")
        #expect(first != nil && second != nil)
        #expect(third == nil)
        #expect(otherUser != nil)
        _ = state.unfollow(try #require(first))
        let fourth = state.follow(alice, with: "4")
        #expect(fourth != nil)
        #expect(state.followers(of: alice) == ["2", "4"])
    }

    @Test func aMessageIsAdmittedOnceAndNeverFromBeforeTheFloor() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        var cursor = WebChatStreamCursor(floor: start)
        let early = [
            cursor.admit("old", storedAt: start.addingTimeInterval(-0.001)),
            cursor.admit("a", storedAt: start),
            cursor.admit("a", storedAt: start.addingTimeInterval(3)),
            cursor.admit("b", storedAt: start.addingTimeInterval(1)),
        ]
        #expect(early == [false, true, false, true])
        #expect(cursor.pollFrom == start)

        let late = [
            cursor.admit("c", storedAt: start.addingTimeInterval(60)),
            cursor.admit("late", storedAt: start.addingTimeInterval(58)),
        ]
        #expect(late == [true, true])
        // Polls start a little before the newest message seen, for messages stored out of order.
        #expect(cursor.pollFrom == start.addingTimeInterval(55))
    }

    @Test func resumingSkipsTheNamedMessageAndEverythingBeforeIt() {
        let at = Date(timeIntervalSince1970: 2_000_000)
        var cursor = WebChatStreamCursor(resumingAfter: "last-seen", storedAt: at)
        let results = [
            cursor.admit("last-seen", storedAt: at),
            cursor.admit("earlier", storedAt: at.addingTimeInterval(-1)),
            cursor.admit("next", storedAt: at.addingTimeInterval(1)),
        ]
        #expect(results == [false, false, true])
    }

    @Test func memoryStaysBoundedWhileDuplicatesInThePollWindowAreStillCaught() {
        let start = Date(timeIntervalSince1970: 3_000_000)
        var cursor = WebChatStreamCursor(floor: start)
        let admitted = (0..<5000).map { cursor.admit("m\($0)", storedAt: start.addingTimeInterval(Double($0))) }
        #expect(admitted.allSatisfy { $0 })
        #expect(cursor.remembered <= 513)
        // The newest ones are within the next poll's window and remembered.
        let repeats = [
            cursor.admit("m4999", storedAt: start.addingTimeInterval(4999)),
            cursor.admit("m4996", storedAt: start.addingTimeInterval(4996)),
        ]
        #expect(repeats == [false, false])
    }
}

/// The stream over a real socket, with the real broker and database.
extension ChannelWebhookStackTests {
    @Suite("web chat stream") struct Stream {
        let key = ChannelWebhookTestEnvironment.apiKey

        /// The stream's URL, with the conversation's visitor token (as a browser's `EventSource` sends it).
        func streamURL(
            _ port: Int, user: String, conversation: String, key: String? = nil, token: String
        ) throws -> URL {
            var text = "http://127.0.0.1:\(port)/api/v1/user/\(user)/messages/\(conversation)/stream"
            text += "?visitor_token=\(token)"
            if let key { text += "&api_key=\(key)" }
            return try #require(URL(string: text))
        }

        func token(_ daemon: ChannelWebhookDaemon, user: String, conversation: String) async throws -> String {
            try await daemon.context.visitorTokens.issue(
                tenantId: "acme", userId: user, conversationId: conversation, now: Date())
        }

        func post(
            _ client: some TestClientProtocol, user: String, conversation: String, text: String, token: String
        ) async throws {
            try await client.execute(
                uri: "/api/v1/messages", method: .post,
                headers: [
                    .authorization: "Bearer \(key)", .contentType: "application/json",
                    HTTPField.Name("X-Visitor-Token")!: token,
                ],
                body: ByteBuffer(
                    string: #"{"conversation_id":"\#(conversation)","user_id":"\#(user)","message":"\#(text)"}"#)
            ) { response in
                #expect(response.status == .ok || response.status == .accepted)
            }
        }

        func json(_ event: EventStreamClient.Event) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any])
        }

        @Test func repliesArriveAsEventsAndAReconnectResumesAfterTheLastOne() async throws {
            let environment = try ChannelWebhookTestEnvironment.make(
                replyWaitMilliseconds: 50, extra: ["SWITCHBOARD_WEBCHAT_STREAM_POLL_MS": "200"])
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                try await ChannelWebhookFakeBot.alongside(daemon) { _ in
                    try await daemon.makeApplication(runningServices: true).test(.live) { client in
                        let port = try #require(client.port)
                        let conversation = TestStack.uniqueName("conv")
                        let token = try await token(daemon, user: "u1", conversation: conversation)
                        let stream = EventStreamClient(
                            url: try streamURL(port, user: "u1", conversation: conversation, token: token),
                            headers: ["Authorization": "Bearer \(key)"])
                        defer { stream.close() }
                        #expect(try await stream.connected(within: .seconds(10)) == 200)
                        #expect(stream.contentType?.hasPrefix("text/event-stream") == true)

                        try await post(client, user: "u1", conversation: conversation, text: "Hello", token: token)
                        let first = try #require(try await stream.events(atLeast: 1, within: .seconds(30)).first)
                        #expect(first.event == "message")
                        let reply = try json(first)
                        #expect(reply["text"] as? String == "echo: Hello")
                        #expect(reply["sender"] as? String == "bot")
                        #expect(reply["direction"] as? String == "outbound")
                        #expect(first.id == reply["id"] as? String)

                        try await post(client, user: "u1", conversation: conversation, text: "Second", token: token)
                        let events = try await stream.events(atLeast: 2, within: .seconds(30))
                        #expect(try events.map { try json($0)["text"] as? String } == ["echo: Hello", "echo: Second"])
                        stream.close()

                        // The browser reconnects with the first reply's id: only what came after it.
                        let resumed = EventStreamClient(
                            url: try streamURL(port, user: "u1", conversation: conversation, key: key, token: token),
                            headers: ["Last-Event-ID": try #require(first.id)])
                        defer { resumed.close() }
                        let again = try await resumed.events(atLeast: 1, within: .seconds(10))
                        #expect(try again.map { try json($0)["text"] as? String } == ["echo: Second"])
                        #expect(again.first?.id == events.last?.id)
                    }
                }
            }
        }

        @Test func repliesAnotherInstanceDeliveredComeFromTheStoreForThisUserOnly() async throws {
            let environment = try ChannelWebhookTestEnvironment.make(
                extra: [
                    "SWITCHBOARD_WEBCHAT_STREAM_POLL_MS": "100", "SWITCHBOARD_WEBCHAT_STREAM_HEARTBEAT_MS": "300",
                ])
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                // No outbound stage here: the replies are stored as another channel-webhook instance does.
                try await daemon.makeApplication(runningServices: false).test(.live) { client in
                    let port = try #require(client.port)
                    let stream = EventStreamClient(
                        url: try streamURL(
                            port, user: "u1", conversation: "shared", key: key,
                            token: try await token(daemon, user: "u1", conversation: "shared")))
                    defer { stream.close() }
                    #expect(try await stream.connected(within: .seconds(10)) == 200)

                    func stored(_ text: String, to user: String) async throws -> Envelope {
                        var message = inbound("question", from: user, tenant: "acme")
                        message.conversationId = "shared"
                        let reply = message.reply(
                            content: .text(text), sender: .agent(id: "ann"), stage: "test", at: Date())
                        try await daemon.context.database.messages.insertIfNew(
                            .init(reply, status: "delivered", at: Date()))
                        return reply
                    }
                    _ = try await stored("for someone else", to: "u2")
                    let mine = try await stored("for you", to: "u1")
                    let events = try await stream.events(atLeast: 1, within: .seconds(10))
                    #expect(events.count == 1)
                    let event = try json(try #require(events.first))
                    #expect(event["text"] as? String == "for you")
                    #expect(event["sender"] as? String == "agent")
                    #expect(event["agent_id"] as? String == "ann")
                    #expect(events.first?.id == mine.id.uuidString.lowercased())

                    // Idle: heartbeats, and the same reply is not sent again by later polls.
                    try await withTimeout(.seconds(10), "two heartbeats") {
                        while stream.comments.filter({ $0 == "heartbeat" }).count < 2 {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    #expect(stream.events.count == 1)

                    // A browser that goes away is noticed at the next heartbeat and stops being followed.
                    let webChat = try #require(daemon.adapters.adapter(for: .webchat) as? WebChatAdapter)
                    #expect(webChat.streams.count == 1)
                    stream.close()
                    try await withTimeout(.seconds(10), "the closed stream to be forgotten") {
                        while webChat.streams.count > 0 { try await Task.sleep(for: .milliseconds(50)) }
                    }
                }
            }
        }

        @Test func shuttingDownEndsOpenStreams() async throws {
            let environment = try ChannelWebhookTestEnvironment.make()
            let stream = try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                try await withTimeout(.seconds(30), "the server to shut down with a stream open") {
                    try await daemon.makeApplication(runningServices: false).test(.live) { client in
                        let stream = EventStreamClient(
                            url: try streamURL(
                                try #require(client.port), user: "u1", conversation: "c1", key: key,
                                token: try await token(daemon, user: "u1", conversation: "c1")))
                        #expect(try await stream.connected(within: .seconds(10)) == 200)
                        return stream
                    }
                }
            }
            defer { stream.close() }
            try await withTimeout(.seconds(10), "the stream to end") {
                while !stream.isFinished { try await Task.sleep(for: .milliseconds(50)) }
            }
        }

        @Test func refusesAMissingKey() async throws {
            try await ChannelWebhookTestEnvironment.withDaemon(try ChannelWebhookTestEnvironment.make()) { daemon in
                try await daemon.makeApplication(runningServices: false).test(.router) { client in
                    try await client.execute(uri: "/api/v1/user/u1/messages/c1/stream", method: .get) { response in
                        #expect(response.status == .unauthorized)
                    }
                    try await client.execute(
                        uri: "/api/v1/user/u1/messages/c1/stream?api_key=wrong", method: .get
                    ) { response in
                        #expect(response.status == .unauthorized)
                    }
                }
            }
        }
    }
}
