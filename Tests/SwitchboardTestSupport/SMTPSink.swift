import Foundation
import NIOCore
import NIOPosix
public import NIOSSL
import Synchronization

/// A real SMTP server on 127.0.0.1 with a free port, inside the test: it speaks enough ESMTP for a client
/// (EHLO with `AUTH PLAIN`, STARTTLS when given a TLS context, AUTH PLAIN, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, QUIT) and
/// records every dialog line and every message. `failMailFrom` answers MAIL FROM with a code (and the sender's
/// address, as real servers quote it), to test retries.
///
/// ```swift
/// try await SMTPSink.with { sink in
///     // send to 127.0.0.1:sink.port, then:
///     let mail = try await sink.waitForMessages(1).first
/// }
/// ```
public final class SMTPSink: Sendable {
    /// One message as received.
    public struct Mail: Sendable {
        public var from: String
        public var recipients: [String]
        /// The data after DATA, dot-unstuffed, CRLF line ends, without the final `.` line.
        public var data: String
        /// The AUTH PLAIN user name and password, if the client authenticated.
        public var username: String?
        public var password: String?
        /// Whether the message came over a connection upgraded with STARTTLS.
        public var overTLS: Bool

        /// The header field `name` (first occurrence, unfolded).
        public func header(_ name: String) -> String? {
            let head = data.components(separatedBy: "\r\n\r\n").first ?? ""
            var fields: [(String, String)] = []
            for line in head.components(separatedBy: "\r\n") {
                if line.hasPrefix(" ") || line.hasPrefix("\t"), let last = fields.popLast() {
                    fields.append((last.0, last.1 + line))
                } else if let colon = line.firstIndex(of: ":") {
                    fields.append((String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst())))
                }
            }
            return fields.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        /// The body after the blank line.
        public var body: String {
            guard let range = data.range(of: "\r\n\r\n") else { return "" }
            return String(data[range.upperBound...])
        }
    }

    private struct State {
        var mails: [Mail] = []
        var commands: [String] = []
        var failMailFrom: Int?
        var waiters: [(count: Int, continuation: CheckedContinuation<[Mail], Never>)] = []
    }

    private let state = Mutex(State())
    public let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    /// Every message so far.
    public var mails: [Mail] { state.withLock { $0.mails } }
    /// Every command line the clients sent (AUTH lines included as sent).
    public var commands: [String] { state.withLock { $0.commands } }

    /// Answers MAIL FROM with `code` (e.g. 451, 550) from now on; nil answers 250 again.
    public func failMailFrom(with code: Int?) { state.withLock { $0.failMailFrom = code } }

    /// Waits until at least `count` messages have arrived; returns them.
    public func waitForMessages(_ count: Int) async -> [Mail] {
        await withCheckedContinuation { continuation in
            let ready: [Mail]? = state.withLock { state in
                if state.mails.count >= count { return state.mails }
                state.waiters.append((count, continuation))
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    fileprivate func received(_ mail: Mail) {
        let ready = state.withLock { state -> [(CheckedContinuation<[Mail], Never>, [Mail])] in
            state.mails.append(mail)
            let (done, waiting) = (
                state.waiters.filter { $0.count <= state.mails.count },
                state.waiters.filter { $0.count > state.mails.count }
            )
            state.waiters = waiting
            return done.map { ($0.continuation, state.mails) }
        }
        for (continuation, mails) in ready { continuation.resume(returning: mails) }
    }

    fileprivate func command(_ line: String) -> Int? {
        state.withLock { state in
            state.commands.append(line)
            return line.uppercased().hasPrefix("MAIL FROM") ? state.failMailFrom : nil
        }
    }

    /// Runs a sink for the duration of `body`; with `tls`, it offers STARTTLS with that server context.
    public static func with<R: Sendable>(
        tls: NIOSSLContext? = nil, _ body: @Sendable (SMTPSink) async throws -> R
    ) async throws -> R {
        let holder = Mutex<SMTPSink?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        SMTPSinkHandler(sink: { holder.withLock { $0 } }, tls: tls))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let sink = SMTPSink(port: channel.localAddress?.port ?? 0, channel: channel)
        holder.withLock { $0 = sink }
        do {
            let result = try await body(sink)
            try? await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }
}

/// One client connection's dialog.
private final class SMTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let sink: @Sendable () -> SMTPSink?
    let tls: NIOSSLContext?
    private var overTLS = false
    private var buffer: [UInt8] = []
    private var inData = false
    private var dataLines: [String] = []
    private var from = ""
    private var recipients: [String] = []
    private var username: String?
    private var password: String?

    init(sink: @escaping @Sendable () -> SMTPSink?, tls: NIOSSLContext?) {
        self.sink = sink
        self.tls = tls
    }

    func channelActive(context: ChannelHandlerContext) {
        write("220 sink.test ESMTP ready", context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer += bytes.readBytes(length: bytes.readableBytes) ?? []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeSubrange(...newline)
            if line.hasSuffix("\r") { line.removeLast() }
            handle(line, context: context)
        }
    }

    private func handle(_ line: String, context: ChannelHandlerContext) {
        if inData {
            if line == "." {
                inData = false
                sink()?.received(
                    SMTPSink.Mail(
                        from: from, recipients: recipients, data: dataLines.joined(separator: "\r\n") + "\r\n",
                        username: username, password: password, overTLS: overTLS))
                dataLines = []
                write("250 2.0.0 queued", context: context)
            } else {
                dataLines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
            }
            return
        }
        let failure = sink()?.command(line)
        let verb = line.split(separator: " ").first.map { $0.uppercased() } ?? ""
        switch verb {
        case "EHLO":
            let startTLS = tls != nil && !overTLS ? "250-STARTTLS\r\n" : ""
            write(
                "250-sink.test\r\n\(startTLS)250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE 10485760",
                context: context)
        case "STARTTLS":
            guard let tls, !overTLS else { return write("502 5.5.1 not offered", context: context) }
            write("220 2.0.0 ready to start TLS", context: context)
            buffer = []
            overTLS = true
            try? context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
        case "HELO": write("250 sink.test", context: context)
        case "AUTH":
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[1].uppercased() == "PLAIN",
                let decoded = Data(base64Encoded: String(parts[2]))
            else { return write("504 5.5.4 only AUTH PLAIN with an initial response", context: context) }
            let fields = decoded.split(separator: 0, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self)
            }
            guard fields.count == 3 else { return write("501 5.5.2 malformed", context: context) }
            username = fields[1]
            password = fields[2]
            write("235 2.7.0 authenticated", context: context)
        case "MAIL":
            // Quoting the sender, as real servers do: a refusal's text may carry an address.
            if let failure { return write("\(failure) <\(Self.address(line))>: try again later", context: context) }
            from = Self.address(line)
            recipients = []
            write("250 2.1.0 ok", context: context)
        case "RCPT":
            recipients.append(Self.address(line))
            write("250 2.1.5 ok", context: context)
        case "DATA":
            inData = true
            write("354 end with <CRLF>.<CRLF>", context: context)
        case "RSET": write("250 ok", context: context)
        case "NOOP": write("250 ok", context: context)
        case "QUIT":
            write("221 bye", context: context)
            context.close(promise: nil)
        default: write("502 5.5.2 unknown command", context: context)
        }
    }

    private static func address(_ line: String) -> String {
        guard let open = line.firstIndex(of: "<"), let close = line.lastIndex(of: ">"), open < close else { return "" }
        return String(line[line.index(after: open)..<close])
    }

    private func write(_ text: String, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}

/// A self-signed certificate for `localhost` and `127.0.0.1`, made by the `openssl` command for one test run.
public enum TestCertificate {
    /// The certificate and its private key, PEM.
    public static func make() throws -> (certificate: String, key: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "switchboard-cert-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appendingPathComponent("cert.pem")
        let key = folder.appendingPathComponent("key.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", key.path, "-out", certificate.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestTimeout(what: "openssl to make a certificate") }
        return (try String(contentsOf: certificate, encoding: .utf8), try String(contentsOf: key, encoding: .utf8))
    }

    /// A server context with a fresh certificate, and that certificate for the client to trust.
    public static func serverContext() throws -> (context: NIOSSLContext, certificate: NIOSSLCertificate) {
        let (certificatePEM, keyPEM) = try make()
        let certificate = try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        return (try NIOSSLContext(configuration: configuration), certificate)
    }
}
