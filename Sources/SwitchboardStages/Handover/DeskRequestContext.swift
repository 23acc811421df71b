public import Hummingbird
public import NIOCore

/// The request context of human-handover's routes: Hummingbird's basic context plus the client's address,
/// which the per-address sign-in throttle keys on.
public struct DeskRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection; nil in router-level tests, which have no socket.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
