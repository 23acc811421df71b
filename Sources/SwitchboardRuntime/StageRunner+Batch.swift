import Foundation
import Logging
import SwitchboardCore
import SwitchboardKafka

extension StageRunner {
    /// What becomes of one consumed record.
    enum Outcome: Sendable {
        case outputs([StageOutput])
        case deadLetter(reason: String, kind: String, traceId: String?)
    }

    /// Handles one batch: decodes, hands the envelopes to the handler at once, retries what failed key by
    /// key, and completes each partition (produce, then commit) as soon as its records are done. `release` is
    /// called exactly once for every partition of the batch, as soon as it is done (or given up on shutdown),
    /// so the next records of that partition can go into a new batch while others are still retried.
    func process(_ records: [KafkaRecord], release: @escaping @Sendable (Set<TopicPartition>) -> Void) async {
        let started = ContinuousClock.now
        var outcomes = [Outcome?](repeating: nil, count: records.count)
        var items: [StageItem] = []
        var recordOfItem: [Int] = []
        for (index, record) in records.enumerated() {
            do {
                let envelope = try EnvelopeCodec().decode(record.value)
                items.append(StageItem(envelope: envelope, origin: origin(of: record), logger: logger(for: envelope)))
                recordOfItem.append(index)
            } catch {
                outcomes[index] = .deadLetter(
                    reason: "undecodable envelope: \(error)", kind: "undecodable",
                    traceId: record.header(EnvelopeHeaders.traceId))
            }
        }
        let batch = StageBatch(items: items, topics: configuration.topics, logger: logger)
        let results = await handleOnce(batch)

        // Per key, everything from the first failure on is retried in order; the rest is done.
        var retries: [TopicPartition: [[Int]]] = [:]
        var firstErrors: [Int: any Error] = [:]
        for group in batch.keyGroups {
            var failedFrom: Int?
            for (position, item) in group.enumerated() {
                if case .failed(let error) = results[item] {
                    failedFrom = position
                    firstErrors[item] = error
                    break
                }
                outcomes[recordOfItem[item]] = outcome(of: results[item], item: items[item])
            }
            if let failedFrom {
                let partition = records[recordOfItem[group[failedFrom]]].topicPartition
                retries[partition, default: []].append(Array(group[failedFrom...]))
            }
        }

        let byPartition = Dictionary(grouping: records.indices, by: { records[$0].topicPartition })
        let fixedOutcomes = outcomes
        let retryKeys = retries
        let firstFailures = firstErrors
        let itemRecords = recordOfItem
        await withTaskGroup(of: Void.self) { group in
            let clean = byPartition.filter { retryKeys[$0.key] == nil }.values.flatMap { $0 }.sorted()
            if !clean.isEmpty {
                group.addTask {
                    await self.complete(clean.map { (records[$0], fixedOutcomes[$0]!) })
                    release(Set(clean.map { records[$0].topicPartition }))
                }
            }
            for (partition, keys) in retryKeys {
                group.addTask {
                    defer { release([partition]) }
                    var retried: [Int: Outcome] = [:]
                    await withTaskGroup(of: [(Int, Outcome)]?.self) { keyTasks in
                        for key in keys {
                            keyTasks.addTask {
                                await self.retry(key, of: batch, firstError: firstFailures[key[0]])
                            }
                        }
                        for await done in keyTasks {
                            for (item, outcome) in done ?? [] { retried[itemRecords[item]] = outcome }
                        }
                    }
                    let indices = byPartition[partition] ?? []
                    // Interrupted by cancellation: nothing of this partition is produced or committed.
                    guard indices.allSatisfy({ fixedOutcomes[$0] != nil || retried[$0] != nil }) else { return }
                    await self.complete(indices.map { (records[$0], fixedOutcomes[$0] ?? retried[$0]!) })
                }
            }
        }
        metrics.recordProcessing(ContinuousClock.now - started)
    }

    /// One call of the handler for the whole batch; a thrown error (or a wrong number of results) fails every item.
    private func handleOnce(_ batch: StageBatch) async -> [StageResult] {
        guard !batch.items.isEmpty else { return [] }
        do {
            let results = try await handler.handle(batch)
            guard results.count == batch.items.count else {
                throw StageRunnerError(
                    "the handler returned \(results.count) results for \(batch.items.count) envelopes")
            }
            return results
        } catch {
            return Array(repeating: .failed(error), count: batch.items.count)
        }
    }

    /// Handles a key's items one at a time, each with backoff and up to `maxAttempts` attempts (the first
    /// item already had one), then dead-lettered. Nil when cancelled.
    private func retry(_ key: [Int], of batch: StageBatch, firstError: (any Error)?) async -> [(Int, Outcome)]? {
        var done: [(Int, Outcome)] = []
        for (position, index) in key.enumerated() {
            let item = batch.items[index]
            var attempts = position == 0 ? 1 : 0
            var lastError = position == 0 ? firstError : nil
            var backoff = configuration.initialBackoff
            while true {
                if let lastError {
                    metrics.recordError(kind: "transient")
                    if attempts >= configuration.maxAttempts {
                        item.logger.error(
                            "Envelope dead-lettered after \(attempts) attempts", metadata: ["error": "\(lastError)"])
                        done.append(
                            (
                                index,
                                .deadLetter(
                                    reason: "gave up after \(attempts) attempts: \(lastError)", kind: "exhausted",
                                    traceId: item.envelope.traceId)
                            ))
                        break
                    }
                    item.logger.warning(
                        "Transient failure; retrying", metadata: ["error": "\(lastError)", "backoff": "\(backoff)"])
                    do { try await Task.sleep(for: backoff) } catch { return nil }
                    backoff = min(backoff * 2, configuration.maximumBackoff)
                }
                let single = StageBatch(items: [item], topics: batch.topics, logger: batch.logger)
                let result = await handleOnce(single)[0]
                attempts += 1
                if case .failed(let error) = result {
                    lastError = error
                    continue
                }
                done.append((index, outcome(of: result, item: item)))
                break
            }
        }
        return done
    }

    private func outcome(of result: StageResult, item: StageItem) -> Outcome {
        switch result {
        case .produced(let outputs):
            return .outputs(outputs)
        case .rejected(let reason):
            item.logger.warning("Envelope dead-lettered", metadata: ["reason": "\(reason)"])
            return .deadLetter(reason: reason, kind: "rejected", traceId: item.envelope.traceId)
        case .failed(let error):
            return .deadLetter(reason: "\(error)", kind: "exhausted", traceId: item.envelope.traceId)
        }
    }

    private func origin(of record: KafkaRecord) -> StageOrigin {
        StageOrigin(
            topic: record.topic, partition: record.partition, offset: record.offset, key: record.key ?? [],
            generation: record.assignmentGeneration)
    }

    private func logger(for envelope: Envelope) -> Logger {
        var logger = self.logger
        logger[metadataKey: "trace_id"] = "\(envelope.traceId)"
        logger[metadataKey: "tenant"] = "\(envelope.tenantId)"
        logger[metadataKey: "envelope_id"] = "\(envelope.id.uuidString.lowercased())"
        return logger
    }
}

/// A fault of the runner's own contract, such as a handler returning the wrong number of results.
struct StageRunnerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
