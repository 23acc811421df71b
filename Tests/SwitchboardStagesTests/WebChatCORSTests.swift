import Hummingbird
import HummingbirdTesting
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("web chat CORS decisions")
struct WebChatCORSDecisionTests {
    typealias Middleware = WebChatCORSMiddleware<BasicRequestContext>
    let shop = "https://shop.example.com"

    @Test func onlyAllowedOriginsOnTheWebChatAPIGetHeaders() {
        let cors = Middleware(allowedOrigins: [shop])
        #expect(
            cors.decision(method: .post, path: "/api/v1/messages", origin: shop, isPreflight: false)
                == .allow(origin: shop))
        #expect(
            cors.decision(method: .options, path: "/api/v1/messages", origin: shop, isPreflight: true)
                == .preflight(allowOrigin: shop))
        #expect(
            cors.decision(method: .get, path: "/api/v1/user/u1/messages/c1/stream", origin: shop, isPreflight: false)
                == .allow(origin: shop))
        #expect(
            cors.decision(method: .post, path: "/webhooks/rest/webhook", origin: shop, isPreflight: false)
                == .allow(origin: shop))
        #expect(
            cors.decision(method: .post, path: "/api/v1/messages", origin: "https://evil.example", isPreflight: false)
                == .passThrough)
        #expect(cors.decision(method: .post, path: "/api/v1/messages", origin: nil, isPreflight: false) == .passThrough)
        // Provider webhooks, the agent API and the ops endpoints are never cross-origin.
        for path in ["/webhooks/whatsapp/demo", "/api/v1/agent/handovers", "/metrics"] {
            #expect(cors.decision(method: .post, path: path, origin: shop, isPreflight: false) == .passThrough)
        }
    }

    @Test func aWildcardAllowsAnyOriginAndNoneAllowsNothing() {
        let any = Middleware(allowedOrigins: ["*"])
        #expect(
            any.decision(
                method: .get, path: "/api/v1/user/u/messages/c", origin: "https://a.example", isPreflight: false)
                == .allow(origin: "https://a.example"))
        let none = Middleware(allowedOrigins: [])
        #expect(
            none.decision(method: .options, path: "/api/v1/messages", origin: shop, isPreflight: true) == .passThrough)
    }
}

extension ChannelWebhookStackTests {
    @Suite("web chat CORS") struct CORS {
        @Test func aWidgetOnAnAllowedOriginPassesPreflightAndReadsErrors() async throws {
            let shop = "https://shop.example.com"
            let environment = try ChannelWebhookTestEnvironment.make(
                extra: ["SWITCHBOARD_WEBCHAT_ALLOWED_ORIGINS": "\(shop), https://other.example"])
            try await ChannelWebhookTestEnvironment.withDaemon(environment) { daemon in
                try await daemon.makeApplication(runningServices: false).test(.router) { client in
                    try await client.execute(
                        uri: "/api/v1/messages", method: .options,
                        headers: [.origin: shop, .accessControlRequestMethod: "POST"]
                    ) { response in
                        #expect(response.status == .noContent)
                        #expect(response.headers[.accessControlAllowOrigin] == shop)
                        #expect(response.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
                        #expect(response.headers[.accessControlAllowMethods]?.contains("POST") == true)
                    }
                    // The 401's reason is readable by the widget.
                    try await client.execute(
                        uri: "/api/v1/messages", method: .post, headers: [.origin: shop],
                        body: ByteBuffer(string: #"{"user_id":"u1","message":"Hi"}"#)
                    ) { response in
                        #expect(response.status == .unauthorized)
                        #expect(response.headers[.accessControlAllowOrigin] == shop)
                        #expect(String(buffer: response.body).contains("missing or invalid API key"))
                    }
                    try await client.execute(
                        uri: "/api/v1/messages", method: .options,
                        headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"]
                    ) { response in
                        #expect(response.headers[.accessControlAllowOrigin] == nil)
                    }
                }
            }
        }
    }

    @Suite("web chat demo page") struct DemoPage {
        @Test func isServedOnlyWhenConfigured() async throws {
            let on = try ChannelWebhookTestEnvironment.make(extra: ["SWITCHBOARD_WEBCHAT_DEMO_PAGE": "true"])
            try await ChannelWebhookTestEnvironment.withDaemon(on) { daemon in
                try await daemon.makeApplication(runningServices: false).test(.router) { client in
                    try await client.execute(uri: "/webchat", method: .get) { response in
                        #expect(response.status == .ok)
                        #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                        let page = String(buffer: response.body)
                        #expect(page.contains("new EventSource("))
                        #expect(page.contains("/stream"))
                        #expect(page.contains("/api/v1/messages"))
                        // The page carries no key: the visitor types it.
                        #expect(!page.contains(ChannelWebhookTestEnvironment.apiKey))
                    }
                }
            }
            try await ChannelWebhookTestEnvironment.withDaemon(try ChannelWebhookTestEnvironment.make()) { daemon in
                try await daemon.makeApplication(runningServices: false).test(.router) { client in
                    try await client.execute(uri: "/webchat", method: .get) { response in
                        #expect(response.status == .notFound)
                    }
                }
            }
        }
    }
}
