import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A stand-in for the WhatsApp Cloud API that channel-webhook sends replies to during `faults`: it counts
/// every send per recipient and answers 200 with a fresh message id, or, while told to fail, 500 or 429 with
/// `Retry-After`.
final class FaultsVendor: Sendable {
    /// How the vendor answers right now.
    enum Mode: Sendable, Equatable {
        case healthy
        /// 500 to every send.
        case failing
        /// 429 with `Retry-After: <seconds>` to every send.
        case throttling(retryAfter: Int)
    }

    /// A send the vendor accepted (answered 200).
    struct Send: Sendable {
        var at: Date
        var providerMessageId: String
    }

    private struct State {
        var mode = Mode.healthy
        var accepted: [String: [Send]] = [:]
        var refused = 0
        var next = 0
        var lastAccepted: Date?
    }

    private let state = Mutex(State())

    /// Sets how later sends are answered.
    func set(_ mode: Mode) {
        state.withLock { $0.mode = mode }
    }

    /// The accepted sends to `recipient` (digits, without `+`), oldest first.
    func sends(to recipient: String) -> [Send] {
        state.withLock { $0.accepted[recipient] ?? [] }
    }

    /// Sends answered 500 or 429 so far.
    var refused: Int { state.withLock { $0.refused } }

    /// When the vendor last answered a send with 200.
    var lastAccepted: Date? { state.withLock { $0.lastAccepted } }

    /// The answer to one request: status, extra header fields, body.
    func answer(path: String, body: ByteBuffer) -> (HTTPResponseStatus, [(String, String)], String) {
        guard path.hasSuffix("/messages") else {
            return (.notFound, [], #"{"error":{"message":"unknown path","code":404}}"#)
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any]
        guard let to = json?["to"] as? String else {
            return (.badRequest, [], #"{"error":{"message":"no recipient","code":100}}"#)
        }
        let recipient = to.hasPrefix("+") ? String(to.dropFirst()) : to
        return state.withLock { state in
            switch state.mode {
            case .failing:
                state.refused += 1
                return (.internalServerError, [], #"{"error":{"message":"fault injected","code":1}}"#)
            case .throttling(let seconds):
                state.refused += 1
                return (
                    .tooManyRequests, [("Retry-After", String(seconds))],
                    #"{"error":{"message":"fault injected: rate limit","code":130429}}"#
                )
            case .healthy:
                state.next += 1
                let id = "wamid.faults-vendor-\(state.next)"
                let now = Date()
                state.accepted[recipient, default: []].append(Send(at: now, providerMessageId: id))
                state.lastAccepted = now
                return (
                    .ok, [],
                    #"{"messaging_product":"whatsapp","contacts":[{"input":"\#(to)","wa_id":"\#(recipient)"}],"#
                        + #""messages":[{"id":"\#(id)"}]}"#
                )
            }
        }
    }

    /// Serves the vendor on 127.0.0.1 on a free port for the duration of `body`, which gets its base URL.
    func serve<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        let vendor = self
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FaultsVendorHandler(vendor: vendor))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        do {
            let result = try await body("http://127.0.0.1:\(port)")
            try? await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }
}

/// Collects one request at a time and writes the vendor's answer.
private final class FaultsVendorHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let vendor: FaultsVendor
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(vendor: FaultsVendor) {
        self.vendor = vendor
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let request = head else { return }
            let path = String(request.uri.split(separator: "?").first ?? "")
            let (status, fields, text) = vendor.answer(path: path, body: body)
            var headers = HTTPHeaders(fields)
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(text.utf8.count))
            if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            if !request.isKeepAlive { context.close(promise: nil) }
            head = nil
        }
    }
}
