import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization

/// A stand-in for a provider API (Graph API, Bot API, Twilio) on 127.0.0.1 with a free port: it records
/// every request and answers from per-path scripts.
///
/// ```swift
/// try await FakeVendorServer.with { server in
///     server.script("/v21.0/123/messages", [.init(status: 429, headers: ["Retry-After": "0"]), .json(200, "{}")])
///     // point the adapter at server.baseURL, deliver, then inspect server.requests
/// }
/// ```
public final class FakeVendorServer: Sendable {
    public struct RecordedRequest: Sendable {
        public var method: String
        public var path: String
        /// The raw query string, without `?`.
        public var query: String
        /// Header fields with lower-cased names.
        public var headers: [String: String]
        public var body: [UInt8]

        public func header(_ name: String) -> String? { headers[name.lowercased()] }
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        /// The body as a JSON object.
        public func json() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
        }
    }

    public struct ScriptedResponse: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String
        /// A binary body, sent instead of ``body`` when set (a media download).
        public var bytes: [UInt8]?

        public init(status: Int, headers: [String: String] = [:], body: String = "", bytes: [UInt8]? = nil) {
            self.status = status
            self.headers = headers
            self.body = body
            self.bytes = bytes
        }

        /// A binary answer of `contentType`.
        public static func bytes(_ status: Int, _ bytes: [UInt8], contentType: String) -> ScriptedResponse {
            ScriptedResponse(status: status, headers: ["Content-Type": contentType], bytes: bytes)
        }

        /// A JSON answer.
        public static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> ScriptedResponse {
            var headers = headers
            headers["Content-Type"] = "application/json"
            return ScriptedResponse(status: status, headers: headers, body: body)
        }
    }

    private struct State {
        var scripts: [String: [ScriptedResponse]] = [:]
        var requests: [RecordedRequest] = []
        var waiters: [(path: String, count: Int, continuation: CheckedContinuation<[RecordedRequest], Never>)] = []
    }

    private let state = Mutex(State())
    public let port: Int

    private init(port: Int) { self.port = port }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Answers requests to `path` with `responses` in order; the last one repeats. Unscripted paths get 404.
    public func script(_ path: String, _ responses: [ScriptedResponse]) {
        state.withLock { $0.scripts[path] = responses }
    }

    /// Every request so far, oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// The requests to `path`.
    public func requests(to path: String) -> [RecordedRequest] { requests.filter { $0.path == path } }

    /// Waits until at least `count` requests to `path` have been answered; returns them. Bound it with
    /// `withTimeout`.
    public func waitForRequests(to path: String, count: Int) async -> [RecordedRequest] {
        await withCheckedContinuation { continuation in
            let ready: [RecordedRequest]? = state.withLock { state in
                let matching = state.requests.filter { $0.path == path }
                if matching.count >= count { return matching }
                state.waiters.append((path, count, continuation))
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Resumes the waiters that `requests` satisfies.
    fileprivate func wake() {
        let ready = state.withLock { state in
            var ready: [(CheckedContinuation<[RecordedRequest], Never>, [RecordedRequest])] = []
            state.waiters.removeAll { waiter in
                let matching = state.requests.filter { $0.path == waiter.path }
                guard matching.count >= waiter.count else { return false }
                ready.append((waiter.continuation, matching))
                return true
            }
            return ready
        }
        for (continuation, requests) in ready { continuation.resume(returning: requests) }
    }

    fileprivate func answer(_ request: RecordedRequest) -> ScriptedResponse {
        state.withLock { state in
            state.requests.append(request)
            guard var script = state.scripts[request.path], !script.isEmpty else {
                return .json(404, #"{"error":{"message":"no script for this path","code":404}}"#)
            }
            let response = script.removeFirst()
            if !script.isEmpty { state.scripts[request.path] = script }
            return response
        }
    }

    /// Runs a server for the duration of `body`.
    public static func with<R: Sendable>(_ body: @Sendable (FakeVendorServer) async throws -> R) async throws -> R {
        let holder = Mutex<FakeVendorServer?>(nil)
        let router = Router()
        router.add(middleware: FakeVendorMiddleware(server: { holder.withLock { $0 } }))
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            guard let port = client.port else { throw FakeVendorServerError.noPort }
            let server = FakeVendorServer(port: port)
            holder.withLock { $0 = server }
            return try await body(server)
        }
    }
}

/// The live test client reported no port.
enum FakeVendorServerError: Error { case noPort }

/// Records and answers every request, whatever its path.
private struct FakeVendorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let server: @Sendable () -> FakeVendorServer?

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
        let scripted = server.answer(recorded)
        defer { server.wake() }
        var fields = HTTPFields()
        for (name, value) in scripted.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: scripted.status), headers: fields,
            body: ResponseBody(
                byteBuffer: scripted.bytes.map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: scripted.body)))
    }
}
