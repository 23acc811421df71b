import NIOCore
import NIOHTTP1

/// Marks a request that does not ask to keep its connection open with `Connection: close`, so the server
/// closes the connection after the response.
///
/// HTTP/1.0 closes by default: only `Connection: keep-alive` keeps it open (RFC 9112, 9.3). Hummingbird
/// sees requests after their version is gone and closes only on `Connection: close`, so without this an
/// HTTP/1.0 client that waits for the close (ApacheBench) hangs. It sits before the conversion to HTTP types,
/// where the version is still known.
final class HTTP10KeepAliveHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
