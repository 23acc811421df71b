import Foundation
import SwitchboardCore
import SwitchboardMongo
import SwitchboardTestSupport
import Testing

/// A web chat visitor of one tenant, talking to the running daemons.
struct TenantChat {
    let daemons: DaemonProcesses
    let tenant: String
    let user: String

    var apiKey: String { tenant == "demo" ? DaemonProcesses.apiKey : "key-\(tenant)" }

    /// The environment giving each of `tenants` its web chat key.
    static func keys(_ tenants: [String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: tenants.map { ("\(TenantSecretsStem.of($0))_API_KEY", "key-\($0)") })
    }

    struct Answer {
        let conversationId: String
        let messageId: String
        let replyText: String?
        let replySender: String?
    }

    /// Sends `text`; the reply is in the answer when it came within the web chat's reply wait.
    func send(_ text: String, conversation: String = "", token: String? = nil) async throws -> (Answer, String?) {
        var headers = ["Authorization": "Bearer \(apiKey)"]
        if let token { headers["X-Visitor-Token"] = token }
        let response = try await HTTP.post(
            daemons.url("channel-webhook", "/api/v1/messages"),
            json: ["conversation_id": conversation, "user_id": user, "message": text], headers: headers)
        let json = response.json
        let reply = json["reply"] as? [String: Any]
        return (
            Answer(
                conversationId: json["conversation_id"] as? String ?? "",
                messageId: json["message_id"] as? String ?? "",
                replyText: reply?["text"] as? String, replySender: reply?["sender"] as? String),
            json["visitor_token"] as? String ?? token
        )
    }
}

/// `SWITCHBOARD_TENANT_<ID>` as the daemons read it.
enum TenantSecretsStem {
    static func of(_ tenant: String) -> String {
        "SWITCHBOARD_TENANT_" + String(tenant.uppercased().map { ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}

/// The bot engines in the running pipeline: a web chat message in, the engine's reply out.
@Suite("Bot engines end to end", .serialized)
struct BotEnginePipelineTests {
    @Test func eachEngineAnswersAWebChatMessage() async throws {
        try await FakeBotServer.with { server in
            let tenants = ["rasa-shop", "llm-shop"]
            var extra = TenantChat.keys(tenants)
            extra["SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS"] = "15000"
            extra["\(TenantSecretsStem.of("rasa-shop"))_ACTION_SECRET"] = server.actionSecret
            extra["\(TenantSecretsStem.of("llm-shop"))_LLM_API_KEY"] = "sk-pipeline"
            let daemons = try DaemonProcesses(
                idleTimeoutSeconds: 1200, extra: extra, moreTenants: tenants,
                tenantSettings: [
                    "rasa-shop": """
                        bot:
                          engine: rasa
                          timeout_ms: 30000
                          rasa: { url: "\(server.baseURL)" }
                          actions:
                            order_status:
                              url: \(server.baseURL)/actions/order_status
                              reply: "Your order {order_id} is {status}."
                              timeout_ms: 30000

                    """,
                    "llm-shop": """
                        bot:
                          engine: llm
                          timeout_ms: 30000
                          llm:
                            url: \(server.baseURL)/v1
                            model: pipeline-model
                            system_prompt: You are the Pipeline Shop assistant.
                            price_per_input_token: 0.5
                            price_per_output_token: 1

                    """,
                ])
            try await daemons.startAll()
            defer { daemons.signalAll() }
            try await daemons.waitUntilReady()

            // Built-in (demo): the trained model and its template.
            let (builtIn, _) = try await TenantChat(daemons: daemons, tenant: "demo", user: "ann").send("hello")
            #expect(builtIn.replySender == "bot")
            #expect(
                ["Hello! How can I help you today?", "Hi there! What can I do for you?"].contains(
                    builtIn.replyText ?? ""))

            // Rasa: its intent and entity, answered by the business's (signed) order system.
            let (rasa, _) = try await TenantChat(daemons: daemons, tenant: "rasa-shop", user: "bob")
                .send("where is my order AB123456")
            #expect(rasa.replyText == "Your order AB123456 is shipped.")
            #expect(server.requests(to: "/model/parse").count >= 1)

            // LLM: the model's reply; the second message carries the first and its reply as context.
            let chat = TenantChat(daemons: daemons, tenant: "llm-shop", user: "cat")
            let (first, token) = try await chat.send("do you sell red shoes?")
            #expect(first.replyText == "Echo: do you sell red shoes? [0]")
            let (second, _) = try await chat.send(
                "and in size 42?", conversation: first.conversationId, token: token)
            #expect(second.replyText == "Echo: and in size 42? [2]")
            let prompts = server.requests(to: "/v1/chat/completions")
            let last = try #require(try prompts.last?.json()["messages"] as? [[String: String]])
            #expect(
                last.map { $0["content"] ?? "" } == [
                    "You are the Pipeline Shop assistant.", "do you sell red shoes?",
                    "Echo: do you sell red shoes? [0]",
                    "and in size 42?",
                ])
            #expect(prompts.allSatisfy { $0.header("Authorization") == "Bearer sk-pipeline" })

            // Tokens and cost per tenant: 42 in and 7 out per call at 0.5 and 1.
            let metrics = try await HTTP.get(daemons.url("nlp-plugin", "/metrics")).text
            #expect(value(in: metrics, #"switchboard_llm_tokens_total{tenant="llm-shop",direction="input"}"#) == 84)
            #expect(value(in: metrics, #"switchboard_llm_tokens_total{tenant="llm-shop",direction="output"}"#) == 14)
            #expect(value(in: metrics, #"switchboard_llm_cost_total{tenant="llm-shop"}"#) == 56)
            #expect(value(in: metrics, #"switchboard_bot_answers_total{tenant="rasa-shop",engine="rasa"}"#) == 1)
            #expect(!daemons.tail("nlp-plugin", lines: 500).contains("sk-pipeline"), "the key is never logged")
            await daemons.stopAll()
            try? await dropDatabase(daemons)
        }
    }

    @Test func aSlowModelFallsBackWithinItsTimeoutWhileOtherTenantsAreAnswered() async throws {
        try await FakeBotServer.with { server in
            server.setBehaviour(.slow, model: "stuck-model")
            let tenants = ["slow-shop", "llm-shop"]
            var extra = TenantChat.keys(tenants)
            extra["SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS"] = "20000"
            let daemons = try DaemonProcesses(
                idleTimeoutSeconds: 1200, extra: extra, moreTenants: tenants,
                tenantSettings: [
                    "slow-shop": """
                        bot:
                          engine: llm
                          fallback: [builtin]
                          timeout_ms: 1500
                          llm: { url: "\(server.baseURL)/v1", model: stuck-model, retries: 0 }

                    """,
                    "llm-shop": """
                        bot:
                          engine: llm
                          timeout_ms: 30000
                          llm: { url: "\(server.baseURL)/v1", model: quick-model }

                    """,
                ])
            try await daemons.startAll()
            defer { daemons.signalAll() }
            try await daemons.waitUntilReady()

            // Several customers of the slow tenant and of the others write at once.
            let answers = try await withThrowingTaskGroup(of: (String, String?).self) { group in
                for index in 0..<3 {
                    group.addTask {
                        let (answer, _) = try await TenantChat(daemons: daemons, tenant: "slow-shop", user: "s\(index)")
                            .send("hello")
                        return ("slow-shop", answer.replyText)
                    }
                    group.addTask {
                        let (answer, _) = try await TenantChat(daemons: daemons, tenant: "llm-shop", user: "q\(index)")
                            .send("hi from \(index)")
                        return ("llm-shop", answer.replyText)
                    }
                    group.addTask {
                        let (answer, _) = try await TenantChat(daemons: daemons, tenant: "demo", user: "d\(index)")
                            .send("what are your opening hours")
                        return ("demo", answer.replyText)
                    }
                }
                var all: [(String, String?)] = []
                for try await answer in group { all.append(answer) }
                return all
            }
            let slow = answers.filter { $0.0 == "slow-shop" }.map(\.1)
            #expect(slow.count == 3)
            #expect(
                slow.allSatisfy {
                    ["Hello! How can I help you today?", "Hi there! What can I do for you?"].contains($0 ?? "")
                },
                "the built-in fallback answered: \(slow)")
            let quick = answers.filter { $0.0 == "llm-shop" }.compactMap(\.1).sorted()
            #expect(quick == (0..<3).map { "Echo: hi from \($0) [0]" })
            let demo = answers.filter { $0.0 == "demo" }.map(\.1)
            #expect(demo.allSatisfy { $0 == "We are open Monday to Friday, 9:00 to 17:00." })
            #expect(server.requests.contains { (try? $0.json()["model"] as? String) == "stuck-model" })
            #expect(daemons.tail("nlp-plugin", lines: 500).contains("Bot engine failed; the next in the chain answers"))
            await daemons.stopAll()
            try? await dropDatabase(daemons)
        }
    }

    /// The value of the series `series` in a Prometheus exposition.
    func value(in exposition: String, _ series: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap {
            Double($0.dropFirst(series.count + 1))
        }
    }

    func dropDatabase(_ daemons: DaemonProcesses) async throws {
        let client = try MongoClient(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database),
            logger: TestStack.logger("bot-pipeline"))
        try await client.dropDatabase()
    }
}

/// A form in the running pipeline, with nlp-plugin killed and started again in the middle.
@Suite("Bot forms end to end", .serialized)
struct BotFormPipelineTests {
    @Test func aCallbackFormSurvivesANLPPluginRestartAndBooksTheCall() async throws {
        try await FakeBotServer.with { server in
            let daemons = try DaemonProcesses(
                idleTimeoutSeconds: 1200,
                extra: [
                    "SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS": "30000",
                    "SWITCHBOARD_TENANT_DEMO_ACTION_SECRET": server.actionSecret,
                ],
                tenantSettings: [
                    "demo": """
                        bot:
                          actions:
                            book_callback: { url: "\(server.baseURL)/actions/book_callback", timeout_ms: 30000 }
                          forms:
                            callback:
                              trigger_phrases: ["call me back"]
                              slots:
                                - { name: name, prompt: "Who should we ask for?" }
                                - { name: phone, prompt: "Which number?", regex: "(\\\\+?[0-9][0-9 ]{6,}[0-9])" }
                                - { name: time, prompt: "When suits you?" }
                              action: book_callback
                              done_reply: "Booked: {name} at {phone}, {time} (reference {reference})."

                    """
                ])
            try await daemons.startAll()
            defer { daemons.signalAll() }
            try await daemons.waitUntilReady()
            let chat = TenantChat(daemons: daemons, tenant: "demo", user: "form-visitor")

            let (start, token) = try await chat.send("could you call me back?")
            #expect(start.replyText == "Who should we ask for?")
            let conversation = start.conversationId
            let (name, _) = try await chat.send("Ann Lee", conversation: conversation, token: token)
            #expect(name.replyText == "Which number?")

            // nlp-plugin dies and comes back: the form goes on from the session record.
            await daemons.stop("nlp-plugin", signal: SIGKILL)
            try daemons.start("nlp-plugin")
            try await daemons.waitUntilReady()

            let (phone, _) = try await chat.send("+49 30 1234567", conversation: conversation, token: token)
            #expect(phone.replyText == "When suits you?")
            let (time, _) = try await chat.send("tomorrow at 10", conversation: conversation, token: token)
            #expect(time.replyText == "Booked: Ann Lee at +49 30 1234567, tomorrow at 10 (reference CB-1).")
            let bookings = server.requests(to: "/actions/book_callback")
            #expect(bookings.count == 1)
            let slots = try #require(try bookings.first?.json()["slots"] as? [String: String])
            #expect(slots == ["name": "Ann Lee", "phone": "+49 30 1234567", "time": "tomorrow at 10"])

            // After the form the bot answers as before.
            let (hours, _) = try await chat.send(
                "what are your opening hours", conversation: conversation, token: token)
            #expect(hours.replyText == "We are open Monday to Friday, 9:00 to 17:00.")
            await daemons.stopAll()
            let client = try MongoClient(
                configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database),
                logger: TestStack.logger("bot-forms"))
            try? await client.dropDatabase()
        }
    }
}
