import Foundation
import SwitchboardCore
import Testing

@Suite("LLM streaming: the chunk parser and reply previews")
struct ChatCompletionStreamTests {
    let estimator = TokenEstimator(charactersPerToken: 4)

    func chunk(_ content: String) -> String {
        let quoted = String(decoding: try! JSONEncoder().encode(content), as: UTF8.self)
        return
            #"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\#(quoted)}}]}"#
            + "\n\n"
    }

    func answer(_ stream: ChatCompletionStream, classify: Bool = false) throws -> BotAnswer {
        try stream.answer(classify: classify, handoverMarker: "[HANDOVER]", estimatedInput: 10, estimator: estimator)
    }

    @Test func piecesComeOutInOrderAndTheAnswerIsTheWholeText() throws {
        var stream = ChatCompletionStream()
        let body =
            ": keep-alive\n\n" + #"data: {"choices":[{"delta":{"role":"assistant"}}]}"# + "\n\n" + chunk("Hello")
            + chunk(", ") + chunk("world")
            + #"data: {"choices":[{"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3}}"#
            + "\n\n" + "data: [DONE]\n\n"
        let pieces = try stream.feed(Array(body.utf8))
        #expect(pieces == ["Hello", ", ", "world"])
        #expect(stream.isDone)
        let answer = try answer(stream)
        #expect(answer.reply == "Hello, world")
        #expect(answer.usage == TokenUsage(input: 12, output: 3))
        #expect(!answer.handoverRequested)
    }

    @Test func linesSplitAnywhereAcrossReadsEvenInsideACharacterAreReassembled() throws {
        let body = Array((chunk("Grüße ") + chunk("aus Köln 🚀") + "data: [DONE]\r\n\r\n").utf8)
        // Every split point, one at a time: the pieces are the same as from one read.
        for split in 1..<body.count {
            var stream = ChatCompletionStream()
            let first = try stream.feed(body[..<split])
            let second = try stream.feed(body[split...])
            #expect((first + second).joined() == "Grüße aus Köln 🚀", "split at \(split)")
            #expect(stream.isDone)
        }
        // And a byte at a time.
        var stream = ChatCompletionStream()
        var pieces: [String] = []
        for byte in body { pieces += try stream.feed([byte]) }
        #expect(pieces == ["Grüße ", "aus Köln 🚀"])
        #expect(try answer(stream).reply == "Grüße aus Köln 🚀")
    }

    @Test func aStreamThatEndsWithoutDoneIsNoAnswer() throws {
        var stream = ChatCompletionStream()
        _ = try stream.feed(Array(chunk("half a rep").utf8))
        #expect(!stream.isDone)
        #expect(throws: BotEngineError(.badAnswer, "the stream ended before [DONE]")) { try answer(stream) }
    }

    @Test func malformedLinesGiveAClearError() throws {
        let cases: [(String, String)] = [
            ("data: {not json\n", "malformed stream: line 1 is not a chat-completion chunk"),
            ("<html>gateway says hello</html>\n", "malformed stream: line 1 is not a server-sent event field"),
            ("\n\nfoo: bar\n", "malformed stream: line 3 has the unknown field 'foo'"),
            (#"data: {"error":{"message":"overloaded"}}"# + "\n", "the stream reported an error"),
        ]
        for (body, detail) in cases {
            var stream = ChatCompletionStream()
            #expect(throws: BotEngineError(.badAnswer, detail)) { try stream.feed(Array(body.utf8)) }
        }
        // Only complete lines are judged: half a line is kept for the next read.
        var stream = ChatCompletionStream()
        #expect(try stream.feed(Array("data: {not js".utf8)).isEmpty)
        // Until the body ends there: a body that is no stream at all says so.
        #expect(throws: BotEngineError(.badAnswer, "malformed stream: line 1 is not a chat-completion chunk")) {
            try answer(stream)
        }
        var html = ChatCompletionStream()
        _ = try html.feed(Array("<html>gateway says hello</html>".utf8))
        #expect(throws: BotEngineError(.badAnswer, "malformed stream: line 1 is not a server-sent event field")) {
            try answer(html)
        }
    }

    @Test func aStreamedHandoverToolCallAsksForAPerson() throws {
        var stream = ChatCompletionStream()
        let body =
            #"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"handover_to_human","arguments":""}}]}}]}"#
            + "\n\n" + #"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]}"#
            + "\n\n" + "data: [DONE]\n\n"
        #expect(try stream.feed(Array(body.utf8)).isEmpty)
        let answer = try answer(stream)
        #expect(answer.handoverRequested)
        #expect(answer.reply == nil)
    }

    @Test func aPreviewRecordRoundTripsWithLowerCaseIds() throws {
        let id = UUID()
        let delta = ReplyDelta(
            target: ReplyDeltaTarget(
                tenantId: "demo", conversationId: "c-42", userId: "visitor-7", inReplyTo: id, traceId: "trace-1"),
            sequence: 3, text: "Yes, we ship to")
        let json = String(decoding: try SwitchboardJSON.makeEncoder().encode(delta), as: UTF8.self)
        #expect(
            json
                == #"{"conversation_id":"c-42","in_reply_to":"\#(id.uuidString.lowercased())","sequence":3,"tenant_id":"demo","text":"Yes, we ship to","trace_id":"trace-1","user_id":"visitor-7"}"#
        )
        #expect(try SwitchboardJSON.makeDecoder().decode(ReplyDelta.self, from: Data(json.utf8)) == delta)
        #expect(delta.partitionKey == "demo/c-42")
    }

    @Test func theFirstPieceGoesOutAtOnceAndLaterOnesAreCoalesced() {
        var coalescer = ReplyDeltaCoalescer(interval: .milliseconds(50), maxPieces: 4)
        let start = ContinuousClock.now
        // "sequence:text" of a preview, or nil for none.
        func append(_ piece: String, at milliseconds: Int) -> String? {
            coalescer.append(piece, at: start + .milliseconds(milliseconds)).map { "\($0.sequence):\($0.text)" }
        }
        #expect(append("Hel", at: 0) == "1:Hel")
        #expect(append("lo", at: 10) == nil)
        #expect(append("", at: 60) == nil, "an empty piece sends nothing")
        #expect(append(" there", at: 60) == "2:Hello there")
        // Many pieces within the interval: every fourth sends.
        let quick = (1...8).compactMap { append("\($0)", at: 61) }
        #expect(quick == ["3:Hello there1234", "4:Hello there12345678"])
        #expect(append("!", at: 62) == nil)
        let last = coalescer.finish(at: start + .milliseconds(63))
        #expect(last?.sequence == 5)
        #expect(last?.text == "Hello there12345678!")
        #expect(coalescer.finish(at: start + .milliseconds(64))?.sequence == nil, "nothing held back")
        #expect(coalescer.text == "Hello there12345678!")
    }
}
