import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Synchronization

/// The servers a bot talks to, in one process on 127.0.0.1 with a free port:
///
/// - `POST /v1/chat/completions`: an OpenAI-compatible endpoint. Per model it answers, fails with 500, or
///   is slow (holds the request until the test ends), or answers HTML. Its answer echoes the last user message and says how
///   many messages came before it (`Echo: hi [3]`); a message containing "human" gets a `handover_to_human`
///   tool call; JSON mode gets the classification scripted for the text.
/// - `POST /model/parse`: Rasa. "order … AB123456" is `order_status` with `order_id`; "hello" is `greet`.
/// - `POST /actions/<name>`: an action server that refuses calls whose signature is wrong (401) and answers
///   `order_status` with `{"data": {"status": "shipped"}}`, `book_callback` with a reference, `broken` with
///   a 500 and `garbled` with text that is not JSON.
///
/// A model set to `.stream` answers only requests with `"stream": true` (others get a 400), as Server-Sent
/// Events: the same answer as `data:` chunks a word at a time, then `data: [DONE]`; with
/// ``holdStreamsBeforeDone()`` the chunks are sent but `[DONE]` waits for ``releaseStreams()``.
public final class FakeBotServer: Sendable {
    /// How the chat endpoint treats a model.
    public enum Behaviour: Sendable {
        case answer
        case fail
        case slow
        /// 200 with a body that is not a chat completion.
        case garble
        /// Streams its answer; refuses requests that do not ask for streaming.
        case stream
    }

    private struct State {
        var behaviours: [String: Behaviour] = [:]
        var classifications: [String: String] = [:]
        var requests: [FakeVendorServer.RecordedRequest] = []
        var holdStreams = false
    }

    private let state = Mutex(State())
    /// Holds `.slow` answers until the test ends.
    private let slowGate = TestGate()
    /// Holds streams before `[DONE]` while ``holdStreamsBeforeDone()`` is on.
    private let streamGate = TestGate()
    public let port: Int
    /// The secret actions are signed with.
    public let actionSecret: String

    private init(port: Int, actionSecret: String) {
        self.port = port
        self.actionSecret = actionSecret
    }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public func setBehaviour(_ behaviour: Behaviour, model: String) {
        state.withLock { $0.behaviours[model] = behaviour }
    }

    /// The JSON-mode answer (a JSON object's text) for a customer message.
    public func classify(_ text: String, as json: String) {
        state.withLock { $0.classifications[text] = json }
    }

    /// Streamed answers stop before `data: [DONE]` until ``releaseStreams()`` (or the test ends).
    public func holdStreamsBeforeDone() {
        state.withLock { $0.holdStreams = true }
    }

    /// Lets held streams finish.
    public func releaseStreams() {
        streamGate.open()
    }

    /// Every request so far.
    public var requests: [FakeVendorServer.RecordedRequest] { state.withLock { $0.requests } }

    public func requests(to path: String) -> [FakeVendorServer.RecordedRequest] {
        requests.filter { $0.path == path }
    }

    /// Runs a server for the duration of `body`; slow requests end when it returns.
    public static func with<R: Sendable>(
        actionSecret: String = "action-secret", _ body: @Sendable (FakeBotServer) async throws -> R
    ) async throws -> R {
        let holder = Mutex<FakeBotServer?>(nil)
        let router = Router()
        router.add(middleware: FakeBotMiddleware(server: { holder.withLock { $0 } }))
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            guard let port = client.port else { throw FakeBotServerError.noPort }
            let server = FakeBotServer(port: port, actionSecret: actionSecret)
            holder.withLock { $0 = server }
            defer {
                server.slowGate.open()
                server.streamGate.open()
            }
            return try await body(server)
        }
    }

    fileprivate func record(_ request: FakeVendorServer.RecordedRequest) {
        state.withLock { $0.requests.append(request) }
    }

    fileprivate func answer(_ request: FakeVendorServer.RecordedRequest) async -> (Int, String) {
        switch request.path {
        case "/v1/chat/completions": return await chat(request)
        case "/model/parse": return rasa(request)
        default:
            if request.path.hasPrefix("/actions/") { return action(request) }
            return (404, #"{"error":"no such path"}"#)
        }
    }

    /// The chunks of a streamed answer (each a whole `data:` event), or nil when the model does not stream;
    /// a request to a streaming model that does not ask for streaming gets `(400, …)` from ``answer(_:)``.
    fileprivate func streamedChat(_ request: FakeVendorServer.RecordedRequest) -> [String]? {
        guard request.path == "/v1/chat/completions", let json = try? request.json(),
            let model = json["model"] as? String, state.withLock({ $0.behaviours[model] }) == .stream,
            json["stream"] as? Bool == true,
            let messages = json["messages"] as? [[String: Any]], let last = messages.last?["content"] as? String
        else { return nil }
        func event(_ delta: String) -> String {
            #"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":\#(delta)}]}"# + "\n\n"
        }
        var chunks = [event(#"{"role":"assistant"}"#)]
        if last.lowercased().contains("human") {
            chunks.append(
                event(
                    #"{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"handover_to_human","arguments":""}}]}"#
                ))
        } else {
            let reply = "Echo: \(last) [\(messages.count - 2)]"
            var words = reply.split(separator: " ", omittingEmptySubsequences: false).map { $0 + " " }
            words[words.count - 1].removeLast()
            chunks += words.map { event(#"{"content":\#(quoted(String($0)))}"#) }
        }
        chunks.append(
            #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":42,"completion_tokens":7}}"#
                + "\n\n")
        return chunks
    }

    /// Waits while streams are held before `[DONE]`.
    fileprivate func beforeDone() async {
        if state.withLock({ $0.holdStreams }) { try? await streamGate.wait() }
    }

    private func chat(_ request: FakeVendorServer.RecordedRequest) async -> (Int, String) {
        guard let json = try? request.json(), let model = json["model"] as? String,
            let messages = json["messages"] as? [[String: Any]], let last = messages.last?["content"] as? String
        else { return (400, #"{"error":{"message":"bad request"}}"#) }
        switch state.withLock({ $0.behaviours[model] ?? .answer }) {
        case .fail:
            return (500, #"{"error":{"message":"the model is down"}}"#)
        case .garble:
            return (200, "<html>gateway says hello</html>")
        case .slow:
            try? await slowGate.wait()
            return (503, #"{"error":{"message":"too late"}}"#)
        case .stream:
            // Only reached by a request that did not ask for streaming.
            return (400, #"{"error":{"message":"this model only streams: send \"stream\": true"}}"#)
        case .answer:
            break
        }
        let usage = #""usage":{"prompt_tokens":42,"completion_tokens":7}"#
        if json["response_format"] != nil {
            let classification =
                state.withLock { $0.classifications[last] } ?? #"{"intent":null,"confidence":0}"#
            return (
                200, #"{"choices":[{"message":{"role":"assistant","content":\#(quoted(classification))}}],\#(usage)}"#
            )
        }
        if last.lowercased().contains("human") {
            return (
                200,
                #"{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"handover_to_human","arguments":"{}"}}]}}],\#(usage)}"#
            )
        }
        let reply = "Echo: \(last) [\(messages.count - 2)]"
        return (200, #"{"choices":[{"message":{"role":"assistant","content":\#(quoted(reply))}}],\#(usage)}"#)
    }

    private func rasa(_ request: FakeVendorServer.RecordedRequest) -> (Int, String) {
        guard let text = (try? request.json())?["text"] as? String else { return (400, "{}") }
        if let range = text.range(of: #"[A-Z]{2}[0-9]{6}"#, options: .regularExpression), text.contains("order") {
            let id = String(text[range])
            return (
                200,
                #"{"text":\#(quoted(text)),"intent":{"name":"order_status","confidence":0.93},"entities":[{"entity":"order_id","value":"\#(id)","start":0,"end":8}],"intent_ranking":[{"name":"order_status","confidence":0.93},{"name":"greet","confidence":0.02}]}"#
            )
        }
        if text.lowercased().contains("hello") {
            return (200, #"{"text":\#(quoted(text)),"intent":{"name":"greet","confidence":0.97},"entities":[]}"#)
        }
        return (200, #"{"text":\#(quoted(text)),"intent":{"name":"nlu_fallback","confidence":0.3},"entities":[]}"#)
    }

    private func action(_ request: FakeVendorServer.RecordedRequest) -> (Int, String) {
        guard let timestamp = request.header(ActionSignature.timestampHeader),
            let signature = request.header(ActionSignature.signatureHeader),
            ActionSignature.verify(body: request.body, timestamp: timestamp, signature: signature, secret: actionSecret)
        else { return (401, #"{"error":"bad signature"}"#) }
        switch request.path {
        case "/actions/order_status": return (200, #"{"data":{"status":"shipped"}}"#)
        case "/actions/book_callback": return (200, #"{"data":{"reference":"CB-1"}}"#)
        case "/actions/escalate": return (200, #"{"handover":true}"#)
        case "/actions/garbled": return (200, "this is not json")
        default: return (500, #"{"error":"broken"}"#)
        }
    }

    private func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}

enum FakeBotServerError: Error { case noPort }

private struct FakeBotMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let server: @Sendable () -> FakeBotServer?

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let server = server() else { return Response(status: .serviceUnavailable) }
        let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let recorded = FakeVendorServer.RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers,
            body: Array(buffer: body))
        server.record(recorded)
        if let chunks = server.streamedChat(recorded) {
            var fields = HTTPFields()
            fields[.contentType] = "text/event-stream"
            return Response(
                status: .ok, headers: fields,
                body: ResponseBody { writer in
                    for chunk in chunks { try await writer.write(ByteBuffer(string: chunk)) }
                    await server.beforeDone()
                    try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                    try await writer.finish(nil)
                })
        }
        let (status, text) = await server.answer(recorded)
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
