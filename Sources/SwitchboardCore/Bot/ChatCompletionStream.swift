import Foundation

/// Reads a streamed chat completion (`"stream": true`): Server-Sent Events whose `data:` lines carry chunks
/// with `choices[0].delta.content` (and `tool_calls` deltas), ending with `data: [DONE]`.
///
/// Bytes may arrive split anywhere, even inside a line or a UTF-8 character: ``feed(_:)`` keeps the
/// unfinished line for the next read. Pure, so it is tested without a server.
///
/// ```swift
/// var stream = ChatCompletionStream()
/// for chunk in body { for piece in try stream.feed(chunk) { show(piece) } }
/// let answer = try stream.answer(classify: false, handoverMarker: "[HANDOVER]", estimatedInput: 100, estimator: e)
/// ```
public struct ChatCompletionStream: Sendable {
    /// Longest line accepted; a server that sends more without a line break is not streaming chat chunks.
    public static let maxLineBytes = 1 << 20

    private var pendingLine: [UInt8] = []
    private var lineNumber = 0
    /// The reply's text so far.
    public private(set) var content = ""
    /// The names of the tools the model called so far.
    public private(set) var toolNames: [String] = []
    /// Whether `data: [DONE]` came.
    public private(set) var isDone = false
    private var usage: ChatCompletion.Response.Usage?

    public init() {}

    /// Reads `bytes`; the pieces of reply text they completed, in order.
    ///
    /// Throws ``BotEngineError/Code/badAnswer`` for a line that is not a Server-Sent Events field, a `data:`
    /// line that is not a chat-completion chunk, an error object in the stream, or a line too long.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(BotEngineError) -> [String] {
        var pieces: [String] = []
        for byte in bytes {
            guard byte == UInt8(ascii: "\n") else {
                pendingLine.append(byte)
                guard pendingLine.count <= Self.maxLineBytes else {
                    throw BotEngineError(.badAnswer, "the stream sent a line longer than \(Self.maxLineBytes) bytes")
                }
                continue
            }
            if pendingLine.last == UInt8(ascii: "\r") { pendingLine.removeLast() }
            let line = pendingLine
            pendingLine.removeAll(keepingCapacity: true)
            lineNumber += 1
            if let piece = try read(line), !piece.isEmpty { pieces.append(piece) }
        }
        return pieces
    }

    /// The answer the stream assembled; throws ``BotEngineError/Code/badAnswer`` when it ended before
    /// `[DONE]`, or as ``ChatCompletion/interpret(_:classify:handoverMarker:estimatedInput:estimator:)``.
    public func answer(
        classify: Bool, handoverMarker: String, estimatedInput: Int, estimator: TokenEstimator
    ) throws(BotEngineError) -> BotAnswer {
        guard isDone else {
            // A last line without its line break: judged as a line, so a body that is no stream at all says so.
            var rest = self
            rest.lineNumber += 1
            _ = try rest.read(pendingLine)
            throw BotEngineError(.badAnswer, "the stream ended before [DONE]")
        }
        return try ChatCompletion.interpret(
            content: content, toolNames: toolNames, usage: usage, classify: classify, handoverMarker: handoverMarker,
            estimatedInput: estimatedInput, estimator: estimator)
    }

    /// One complete line: a piece of text, or nil for lines that carry none.
    private mutating func read(_ line: [UInt8]) throws(BotEngineError) -> String? {
        // A blank line ends an event, a colon starts a comment (keep-alives); after [DONE] nothing counts.
        if line.isEmpty || line.first == UInt8(ascii: ":") || isDone { return nil }
        let text = String(decoding: line, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else {
            throw malformed("is not a server-sent event field")
        }
        let field = text[..<colon]
        var value = text[text.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        switch field {
        case "data": break
        case "event", "id", "retry": return nil
        default: throw malformed("has the unknown field '\(field.prefix(20))'")
        }
        if value == "[DONE]" {
            isDone = true
            return nil
        }
        let chunk: Chunk
        do {
            chunk = try JSONDecoder().decode(Chunk.self, from: Data(value.utf8))
        } catch {
            throw malformed("is not a chat-completion chunk")
        }
        if chunk.error != nil { throw BotEngineError(.badAnswer, "the stream reported an error") }
        if let reported = chunk.usage { usage = reported }
        guard let delta = chunk.choices?.first?.delta else { return nil }
        for call in delta.toolCalls ?? [] {
            if let name = call.function?.name, !name.isEmpty { toolNames.append(name) }
        }
        guard let piece = delta.content else { return nil }
        content += piece
        return piece
    }

    private func malformed(_ what: String) -> BotEngineError {
        BotEngineError(.badAnswer, "malformed stream: line \(lineNumber) \(what)")
    }

    /// One `data:` chunk, as far as it is read.
    struct Chunk: Decodable {
        struct Choice: Decodable {
            var delta: Delta?
        }
        struct Delta: Decodable {
            var content: String?
            var toolCalls: [ToolCall]?

            enum CodingKeys: String, CodingKey {
                case content
                case toolCalls = "tool_calls"
            }
        }
        struct ToolCall: Decodable {
            struct Function: Decodable {
                var name: String?
            }
            var function: Function?
        }
        var choices: [Choice]?
        var usage: ChatCompletion.Response.Usage?
        var error: JSONValue?
    }
}
