import Hummingbird
public import HummingbirdCore
import Logging
public import NIOCore
import NIOHTTP1

/// The HTTP/1.1 server every daemon runs: Hummingbird's, with an idle timeout, and HTTP/1.0 connections
/// closed after their response unless they ask for keep-alive (``HTTP10KeepAliveHandler``).
public enum SwitchboardHTTPServer {
    /// The default idle timeout: a connection with no request in flight for this long is closed.
    public static let defaultIdleTimeout: TimeAmount = .seconds(60)

    /// A server builder for `Application(router:server:configuration:)`.
    public static func http1(idleTimeout: TimeAmount = defaultIdleTimeout) -> HTTPServerBuilder {
        .init { responder in
            KeepAliveAwareHTTP1Channel(
                base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout)))
        }
    }
}

/// ``HTTP1Channel`` with ``HTTP10KeepAliveHandler`` right after the request decoder, where the request's HTTP
/// version is still known.
struct KeepAliveAwareHTTP1Channel: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(HTTP10KeepAliveHandler(), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
