public import Logging
public import SwitchboardCore

/// A stage that handles one envelope at a time and needs no batch-wide reads or writes (the router, the bot,
/// hand-overs). ``PerEnvelopeStage`` runs it over a batch: keys in parallel, in order per key.
public protocol EnvelopeHandler: Sendable {
    /// Returns what to produce. Throw ``StageFailure`` for input that can never succeed; any other error is
    /// transient and retried.
    func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput]
}

/// Where a consumed envelope came from, and a logger carrying its trace id.
public struct StageContext: Sendable {
    /// Logger with `trace_id`, `tenant` and `envelope_id` metadata set.
    public var logger: Logger
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The topics of this installation.
    public var topics: TopicNames

    public init(logger: Logger, topic: String, partition: Int32, offset: Int64, topics: TopicNames) {
        self.logger = logger
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.topics = topics
    }
}

/// Runs an ``EnvelopeHandler`` as a ``StageHandler``: at most `concurrency` keys at a time, each key's
/// envelopes in order. After a transient failure the key's later envelopes are not handled in this pass
/// (they fail with it, and the runner retries them in order).
public struct PerEnvelopeStage<Handler: EnvelopeHandler>: StageHandler {
    public let handler: Handler
    public let concurrency: Int

    public init(_ handler: Handler, concurrency: Int = 16) {
        self.handler = handler
        self.concurrency = max(1, concurrency)
    }

    public func handle(_ batch: StageBatch) async throws -> [StageResult] {
        await batch.forEachKey(concurrency: concurrency) { _, item in
            let context = StageContext(
                logger: item.logger, topic: item.origin.topic, partition: item.origin.partition,
                offset: item.origin.offset, topics: batch.topics)
            do {
                return .produced(try await handler.handle(item.envelope, context: context))
            } catch {
                return .from(error)
            }
        }
    }
}

extension StageBatch {
    /// Runs `body` for every item (with its position in the batch): at most `concurrency` keys at a time, each key's items in order. After a
    /// transient failure, the key's later items are not run (they fail with it, and the runner retries them
    /// in order). Returns one result per item.
    public func forEachKey(
        concurrency: Int, _ body: @escaping @Sendable (_ index: Int, _ item: StageItem) async -> StageResult
    ) async -> [StageResult] {
        var results = [StageResult?](repeating: nil, count: items.count)
        let groups = keyGroups
        let items = self.items
        await withTaskGroup(of: [(Int, StageResult)].self) { group in
            var next = 0
            func start() {
                let indices = groups[next]
                next += 1
                group.addTask {
                    var handled: [(Int, StageResult)] = []
                    for (position, index) in indices.enumerated() {
                        let result = await body(index, items[index])
                        handled.append((index, result))
                        if case .failed(let error) = result {
                            for later in indices[(position + 1)...] { handled.append((later, .failed(error))) }
                            break
                        }
                    }
                    return handled
                }
            }
            while next < min(max(1, concurrency), groups.count) { start() }
            while let handled = await group.next() {
                for (index, result) in handled { results[index] = result }
                if next < groups.count { start() }
            }
        }
        return results.map { $0 ?? .failed(CancellationError()) }
    }
}

extension EnvelopeHandler {
    /// This handler run over batches.
    public func perEnvelope(concurrency: Int = 16) -> PerEnvelopeStage<Self> {
        PerEnvelopeStage(self, concurrency: concurrency)
    }
}
