import NIOCore
import NIOHTTP1

/// One HTTP request for ``HTTPPool``, with what to call when it is answered.
struct HTTPJob: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
    /// Called on the connection's task with the answer (or the failure); keep it short.
    var completion: @Sendable (HTTPAnswer) -> Void

    /// A POST of `body` to `path` with `headers` (Host and Content-Length are added).
    static func post(
        _ path: String, host: String, headers: [(String, String)], body: ByteBuffer,
        completion: @escaping @Sendable (HTTPAnswer) -> Void
    ) -> HTTPJob {
        var fields = HTTPHeaders(headers)
        fields.add(name: "Host", value: host)
        fields.add(name: "Content-Length", value: String(body.readableBytes))
        return HTTPJob(
            head: HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: fields), body: body,
            completion: completion)
    }

    /// A GET of `path`.
    static func get(_ path: String, host: String, completion: @escaping @Sendable (HTTPAnswer) -> Void) -> HTTPJob {
        HTTPJob(
            head: HTTPRequestHead(
                version: .http1_1, method: .GET, uri: path,
                headers: HTTPHeaders([("Host", host), ("Content-Length", "0")])),
            body: ByteBuffer(), completion: completion)
    }
}

/// What one request got.
struct HTTPAnswer: Sendable {
    /// 0 when the request failed before a status arrived.
    var status: Int
    var body: ByteBuffer
    /// When a connection took the request and started writing it.
    var writtenAt: ContinuousClock.Instant
    /// When the whole answer had arrived (or the request failed).
    var answeredAt: ContinuousClock.Instant
    var failure: String?

    var bodyText: String { String(buffer: body) }
}
