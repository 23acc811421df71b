import Foundation
import Logging
import SwitchboardCore
import SwitchboardKafka

extension StageRunner {
    /// Produces the outputs of these records (one partition's, or several done at once), waits for the broker,
    /// and commits them. A record whose output the broker refuses for good, or that cannot be encoded, is
    /// dead-lettered instead; a broker that is away is retried until it answers or the task is cancelled.
    func complete(_ done: [(record: KafkaRecord, outcome: Outcome)]) async {
        var pending: [(owner: Int, record: KafkaOutgoingRecord, isDeadLetter: Bool)] = []
        for (owner, (record, outcome)) in done.enumerated() {
            switch outcome {
            case .outputs(let outputs):
                do {
                    let encoded = try outputs.map { try $0.record() }
                    pending += encoded.map { (owner, $0, false) }
                } catch {
                    logger.warning("Output not encodable; dead-lettered", metadata: ["error": "\(error)"])
                    pending += deadLetter(owner, record, reason: "\(error)", kind: "unencodable", traceId: nil)
                }
            case .deadLetter(let reason, let kind, let traceId):
                pending += deadLetter(owner, record, reason: reason, kind: kind, traceId: traceId)
            }
        }

        var backoff = configuration.initialBackoff
        var lettered = Set<Int>()
        while !pending.isEmpty {
            let results = await sink.sendEach(pending.map(\.record))
            var again: [(owner: Int, record: KafkaOutgoingRecord, isDeadLetter: Bool)] = []
            var transient: KafkaError?
            for (entry, result) in zip(pending, results) {
                switch result {
                case .success:
                    metrics.recordOut(topic: entry.record.topic)
                case .failure(let error) where error.code == .recordRejected:
                    metrics.recordError(kind: "produce-rejected")
                    let record = done[entry.owner].record
                    if !entry.isDeadLetter, lettered.insert(entry.owner).inserted {
                        logger.error("The broker refused an output; dead-lettered", metadata: ["error": "\(error)"])
                        again += deadLetter(
                            entry.owner, record, reason: "the broker refused an output: \(error)",
                            kind: "unproducible", traceId: record.header(EnvelopeHeaders.traceId))
                    } else if entry.isDeadLetter, lettered.insert(-1 - entry.owner).inserted {
                        // The dead letter itself is refused (it carries the oversized original): keep the
                        // reason without the bytes; the record stays in its topic at its offset.
                        again += deadLetter(
                            entry.owner, record, reason: "refused by the broker (\(error)); original not kept",
                            kind: "unproducible", traceId: record.header(EnvelopeHeaders.traceId), keepBytes: false)
                    } else {
                        logger.critical(
                            "A dead letter was refused by the broker; the record is only in its topic",
                            metadata: [
                                "topic": "\(record.topic)", "partition": "\(record.partition)",
                                "offset": "\(record.offset)", "error": "\(error)",
                            ])
                    }
                case .failure(let error):
                    transient = error
                    again.append(entry)
                }
            }
            pending = again
            if let transient, !pending.isEmpty {
                metrics.recordError(kind: "produce")
                logger.error("Producing failed; retrying", metadata: ["error": "\(transient)"])
                do { try await Task.sleep(for: backoff) } catch { return }
                backoff = min(backoff * 2, configuration.maximumBackoff)
            }
        }
        do {
            try await source.commit(done.map(\.record))
        } catch {
            // Not committed: the records come again after a restart or rebalance, and are handled idempotently.
            metrics.recordError(kind: "commit")
            logger.error("Commit failed", metadata: ["error": "\(error)"])
        }
    }

    private func deadLetter(
        _ owner: Int, _ record: KafkaRecord, reason: String, kind: String, traceId: String?, keepBytes: Bool = true
    ) -> [(owner: Int, record: KafkaOutgoingRecord, isDeadLetter: Bool)] {
        metrics.recordDeadLetter(reason: kind)
        var source = record
        if !keepBytes { source.value = [] }
        do {
            let letter = try DeadLetter.record(
                for: source, reason: reason, stage: configuration.stage, traceId: traceId,
                topic: configuration.topics.deadletter)
            return [(owner, letter, true)]
        } catch {
            logger.error("Could not encode a dead letter", metadata: ["error": "\(error)"])
            return []
        }
    }
}
