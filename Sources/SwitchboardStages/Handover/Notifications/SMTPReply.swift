import NIOCore

/// One SMTP reply: a three-digit code and its text lines (`250-first`, `250 last`).
struct SMTPReply: Sendable, Hashable {
    var code: Int
    var lines: [String]

    /// 2xx: done. 3xx: go on (354 after DATA, 334 in AUTH).
    var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: try again later.
    var isTransient: Bool { (400..<500).contains(code) }
}

/// Splits the server's bytes into ``SMTPReply``s. Accepts CRLF and bare LF; refuses a line longer than
/// 4096 bytes, a reply of more than 100 lines and a line that does not start with a code, so a broken or
/// hostile server cannot make the client buffer without end.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    static let maximumLineLength = 4096
    static let maximumLines = 100

    private var pending: [String] = []
    private var pendingCode: Int?

    struct Malformed: Error, CustomStringConvertible {
        var description: String { "the SMTP server sent a malformed reply" }
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength { throw Malformed() }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard length <= Self.maximumLineLength, var line = buffer.readString(length: length) else { throw Malformed() }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        if let reply = try Self.feed(line, pending: &pending, code: &pendingCode) {
            context.fireChannelRead(wrapInboundOut(reply))
        }
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// Adds one line to the reply being read; returns the reply when the line was its last.
    static func feed(_ line: String, pending: inout [String], code: inout Int?) throws -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0..<3].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let lineCode = Int(String(decoding: bytes[0..<3], as: UTF8.self))
        else { throw Malformed() }
        if let code, code != lineCode { throw Malformed() }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw Malformed() }
        pending.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard pending.count <= maximumLines else { throw Malformed() }
        if separator == UInt8(ascii: "-") {
            code = lineCode
            return nil
        }
        defer {
            pending = []
            code = nil
        }
        return SMTPReply(code: lineCode, lines: pending)
    }
}
