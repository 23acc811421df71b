import SwitchboardCore
import Synchronization

/// One streamed answer being read: parses the chunks as they arrive and hands coalesced previews of the
/// reply to the sink. Shared by the attempts of one call; each attempt starts with ``restart()``, and the
/// previews keep counting up across attempts, so a client keeping the highest number sees the newest text.
final class ReplyPreview: Sendable {
    private struct State {
        var stream = ChatCompletionStream()
        var coalescer = ReplyDeltaCoalescer()
        var sequenceBase = 0
        var failure: BotEngineError?
    }

    private let target: ReplyDeltaTarget
    private let sink: any ReplyDeltaSink
    private let state = Mutex(State())

    init(_ target: ReplyDeltaTarget, _ sink: any ReplyDeltaSink) {
        self.target = target
        self.sink = sink
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
        }
    }

    /// Reads `bytes` and sends the preview they complete, if one is due.
    func feed(_ bytes: [UInt8]) throws(BotEngineError) {
        let now = ContinuousClock.now
        let delta = try state.withLock { state throws(BotEngineError) -> ReplyDelta? in
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
            return due.map { ReplyDelta(target: target, sequence: state.sequenceBase + $0.sequence, text: $0.text) }
        }
        if let delta { sink.publish(delta) }
    }

    /// The stream as read, after sending the preview of what was held back.
    func finish() -> ChatCompletionStream {
        let (stream, delta) = state.withLock { state in
            let last = state.coalescer.finish(at: .now).map {
                ReplyDelta(target: target, sequence: state.sequenceBase + $0.sequence, text: $0.text)
            }
            return (state.stream, last)
        }
        if let delta { sink.publish(delta) }
        return stream
    }
}
