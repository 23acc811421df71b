import SwitchboardCore
import Synchronization

/// One streamed answer being read: parses the chunks as they arrive and hands coalesced previews of the
/// reply to the sink. Shared by the attempts of one call; each attempt starts with ``restart()``, and the
/// previews keep counting up across attempts, so a client keeping the highest number sees the newest text.
///
/// Text from the handover marker on is never shown; a reply that turns out not to be one (the model hands
/// over, or its stream breaks) is withdrawn with ``withdraw()``: one last preview with empty text.
///
/// A server that ignores `"stream": true` and answers with one JSON document (its first byte is `{`, which
/// no event stream starts with) is read as a whole answer instead, without previews.
final class ReplyPreview: Sendable {
    /// Largest whole answer kept, as for answers read without streaming.
    static let maxWholeBytes = 1 << 20

    private struct State {
        var stream = ChatCompletionStream()
        var coalescer = ReplyDeltaCoalescer()
        var sequenceBase = 0
        var failure: BotEngineError?
        /// nil until the first byte that is not white space says which; then the whole answer's bytes, if so.
        var whole: [UInt8]?
        var decided = false
    }

    private let target: ReplyDeltaTarget
    private let sink: any ReplyDeltaSink
    private let handoverMarker: String
    private let state = Mutex(State())

    init(_ target: ReplyDeltaTarget, _ sink: any ReplyDeltaSink, handoverMarker: String) {
        self.target = target
        self.sink = sink
        self.handoverMarker = handoverMarker
    }

    /// Sends an empty preview after the last one, if any was sent: the reply being written is not coming.
    func withdraw() {
        let sent = state.withLock { $0.sequenceBase + $0.coalescer.sequence }
        guard sent > 0 else { return }
        sink.publish(ReplyDelta(target: target, sequence: sent + 1, text: ""))
    }

    /// `preview` as a delta, or nil when it shows the handover marker.
    private func shown(_ preview: (sequence: Int, text: String), base: Int) -> ReplyDelta? {
        if !handoverMarker.isEmpty, preview.text.contains(handoverMarker) { return nil }
        return ReplyDelta(target: target, sequence: base + preview.sequence, text: preview.text)
    }

    /// Why the stream could not be read, once it could not.
    var failure: BotEngineError? { state.withLock { $0.failure } }

    /// Forgets what an earlier attempt read.
    func restart() {
        state.withLock { state in
            state.sequenceBase += state.coalescer.sequence
            state.stream = ChatCompletionStream()
            state.coalescer = ReplyDeltaCoalescer()
            state.failure = nil
            state.whole = nil
            state.decided = false
        }
    }

    /// Reads `bytes` and sends the preview they complete, if one is due.
    func feed(_ bytes: [UInt8]) throws(BotEngineError) {
        let now = ContinuousClock.now
        let delta = try state.withLock { state throws(BotEngineError) -> ReplyDelta? in
            if !state.decided, let first = bytes.first(where: { ![9, 10, 13, 32].contains($0) }) {
                state.decided = true
                if first == UInt8(ascii: "{") { state.whole = [] }
            }
            if state.whole != nil {
                guard (state.whole?.count ?? 0) + bytes.count <= Self.maxWholeBytes else {
                    let failure = BotEngineError(.badAnswer, "the answer is longer than \(Self.maxWholeBytes) bytes")
                    state.failure = failure
                    throw failure
                }
                state.whole? += bytes
                return nil
            }
            let pieces: [String]
            do throws(BotEngineError) {
                pieces = try state.stream.feed(bytes)
            } catch {
                state.failure = error
                throw error
            }
            var due: (sequence: Int, text: String)?
            for piece in pieces {
                if let preview = state.coalescer.append(piece, at: now) { due = preview }
            }
            return due.flatMap { shown($0, base: state.sequenceBase) }
        }
        if let delta { sink.publish(delta) }
    }

    /// What was read, after sending the preview of what was held back.
    func finish() -> LLMAnswerBody {
        let (body, delta) = state.withLock { state -> (LLMAnswerBody, ReplyDelta?) in
            if let whole = state.whole { return (.whole(whole), nil) }
            let last = state.coalescer.finish(at: .now).flatMap { shown($0, base: state.sequenceBase) }
            return (.streamed(state.stream), last)
        }
        if let delta { sink.publish(delta) }
        return body
    }
}
