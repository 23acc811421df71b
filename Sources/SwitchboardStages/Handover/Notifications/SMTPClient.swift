import NIOCore
import NIOPosix
import NIOSSL

/// Sends one email per call over a new connection (notifications are rare: no pool to keep alive), with a
/// deadline over the whole transaction, from connecting to the reply after the message.
struct SMTPClient: Sendable {
    /// The whole transaction's deadline.
    var timeout: Duration
    /// The name given in EHLO.
    var heloName: String = "switchboard.invalid"
    /// The certificates STARTTLS trusts: the system's; tests pass their own.
    var trustRoots: NIOSSLTrustRoots = .default

    /// Connects to `host:port` and runs ``SMTPDialog``. Throws ``SMTPError`` only.
    func send(
        _ message: SMTPMessage, host: String, port: Int, startTLS: Bool,
        credentials: (username: String, password: String)?
    ) async throws(SMTPError) {
        let request = SMTPDialog.Request(
            heloName: heloName, startTLS: startTLS, credentials: credentials, from: message.from,
            recipients: message.to, message: message)
        let timeout = self.timeout
        let trustRoots = self.trustRoots
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await Self.transaction(
                        request, host: host, port: port, connectTimeout: timeout, trustRoots: trustRoots)
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                defer { group.cancelAll() }
                guard try await group.next() == true else {
                    throw SMTPError(stage: "timeout", reason: "no answer in time", isRetriable: true)
                }
            }
        } catch let error as SMTPError {
            throw error
        } catch {
            throw SMTPError(stage: "connection", reason: "the connection failed", isRetriable: true)
        }
    }

    private static func transaction(
        _ request: SMTPDialog.Request, host: String, port: Int, connectTimeout: Duration, trustRoots: NIOSSLTrustRoots
    ) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(connectTimeout / .milliseconds(1))))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            let connection = NIOSMTPConnection(
                replies: inbound.makeAsyncIterator(), outbound: outbound, channel: channel.channel, host: host,
                trustRoots: trustRoots)
            try await SMTPDialog.run(request, over: connection)
        }
    }
}

/// An ``SMTPConnection`` over a swift-nio channel; used only by the task that runs the dialog.
private final class NIOSMTPConnection: SMTPConnection {
    private var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel
    private let host: String
    private let trustRoots: NIOSSLTrustRoots

    init(
        replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: any Channel, host: String,
        trustRoots: NIOSSLTrustRoots
    ) {
        self.replies = replies
        self.outbound = outbound
        self.channel = channel
        self.host = host
        self.trustRoots = trustRoots
    }

    func reply() async throws(SMTPError) -> SMTPReply {
        let next: SMTPReply?
        do {
            next = try await replies.next()
        } catch {
            throw SMTPError(
                stage: "reply", reason: "the connection failed or the reply was malformed", isRetriable: true)
        }
        guard let next else {
            throw SMTPError(stage: "reply", reason: "the server closed the connection", isRetriable: true)
        }
        return next
    }

    func command(_ line: String, secret: Bool) async throws(SMTPError) -> SMTPReply {
        try await send(Array((line + "\r\n").utf8))
    }

    func send(_ bytes: [UInt8]) async throws(SMTPError) -> SMTPReply {
        do {
            try await outbound.write(ByteBuffer(bytes: bytes))
        } catch {
            throw SMTPError(stage: "write", reason: "the connection failed", isRetriable: true)
        }
        return try await reply()
    }

    func startTLS() async throws(SMTPError) {
        let host = self.host
        let channel = self.channel
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = trustRoots
            let context = try NIOSSLContext(configuration: configuration)
            // Server name indication and certificate checks need a host name; an IP address is checked
            // against the certificate's IP entries.
            let serverName = host.first?.isNumber == true || host.contains(":") ? nil : host
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(
                    try NIOSSLClientHandler(context: context, serverHostname: serverName), position: .first)
            }.get()
        } catch {
            throw SMTPError(stage: "starttls", reason: "TLS could not be set up", isRetriable: true)
        }
    }
}
