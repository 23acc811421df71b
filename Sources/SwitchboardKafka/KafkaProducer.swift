internal import CRdKafka
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// An idempotent Kafka producer whose `send` returns once the broker has acknowledged the record.
///
/// librdkafka batches records in its own queue; a dedicated thread polls delivery reports, errors and logs
/// from the client's event queue and resumes the callers waiting on them. As a `Service`, the producer
/// flushes what is in flight on graceful shutdown; released without that, it still stops its thread.
public final class KafkaProducer: Service, Sendable {
    private let core: ProducerCore

    /// Creates the producer (`enable.idempotence=true`, `acks=all`) and starts polling its events.
    public init(configuration: KafkaConfiguration, logger: Logger) throws {
        try configuration.validate()
        core = try ProducerCore(configuration: configuration, logger: logger)
        core.startPolling()
    }

    deinit {
        core.stopPolling()
    }

    /// Produces one record and waits for its delivery report.
    ///
    /// Throws a `KafkaError`; `isRetriable` says whether trying again may help (e.g. the broker was
    /// unreachable until `messageTimeout`).
    @discardableResult
    public func send(_ record: KafkaOutgoingRecord) async throws -> KafkaDeliveryReport {
        try await core.send(record)
    }

    /// Produces records in order and waits until every one is acknowledged. Records with the same key
    /// keep their order. Throws the first failure after all reports are in.
    @discardableResult
    public func send(_ records: [KafkaOutgoingRecord]) async throws -> [KafkaDeliveryReport] {
        try await core.send(records)
    }

    /// Produces records in order and waits until every one is acknowledged or has failed; returns each
    /// record's outcome, so a caller can tell the record the broker refused for good
    /// (``KafkaError/Code/recordRejected``) from a broker that is away.
    public func sendEach(_ records: [KafkaOutgoingRecord]) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        await core.sendEach(records)
    }

    /// Waits until every record handed to librdkafka is delivered or has failed.
    public func flush(timeout: Duration = .seconds(30)) async throws {
        try await core.flush(timeout: timeout)
    }

    /// Waits for graceful shutdown (or cancellation), then flushes and stops.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Flushes what is in flight, fails anything still pending, and stops polling. Idempotent.
    public func shutdown(timeout: Duration = .seconds(30)) async {
        do {
            try await core.flush(timeout: timeout)
        } catch {
            core.logger.warning("Kafka producer did not flush before shutdown", metadata: ["error": "\(error)"])
        }
        core.stopPolling()
    }
}

/// The producer's state, shared with its polling thread.
final class ProducerCore: Sendable {
    private let client: KafkaClient
    private let tracker = DeliveryTracker()
    private let stopped = Atomic<Bool>(false)
    private let messageTimeout: Duration

    var logger: Logger { client.logger }

    init(configuration: KafkaConfiguration, logger: Logger) throws {
        client = try KafkaClient(kind: .producer, properties: configuration.producerProperties, logger: logger) {
            conf in
            rd_kafka_conf_set_events(conf, Int32(RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_ERROR | RD_KAFKA_EVENT_LOG))
        }
        messageTimeout = configuration.messageTimeout
    }

    func startPolling() {
        let thread = Thread { [self] in pollLoop() }
        thread.name = "switchboard-kafka-producer"
        thread.start()
    }

    func stopPolling() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        tracker.close(reason: KafkaError(code: .shutDown, reason: "the producer was shut down", isRetriable: true))
    }

    private func pollLoop() {
        guard let queue = rd_kafka_queue_get_main(client.handle) else { return }
        defer { rd_kafka_queue_destroy(queue) }
        while !stopped.load(ordering: .acquiring) {
            guard let event = rd_kafka_queue_poll(queue, 100) else { continue }
            handle(event)
            rd_kafka_event_destroy(event)
        }
    }

    private func handle(_ event: OpaquePointer) {
        switch rd_kafka_event_type(event) {
        case Int32(RD_KAFKA_EVENT_DR):
            while let message = rd_kafka_event_message_next(event) {
                let id = UInt(bitPattern: message.pointee._private)
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    let topic = String(cString: rd_kafka_topic_name(message.pointee.rkt))
                    let report = KafkaDeliveryReport(
                        topic: topic, partition: message.pointee.partition, offset: message.pointee.offset)
                    tracker.complete(id, with: .success(report))
                } else {
                    tracker.complete(id, with: .failure(KafkaError.from(message.pointee.err, context: "delivery")))
                }
            }
        case Int32(RD_KAFKA_EVENT_ERROR):
            let error = KafkaError.from(
                rd_kafka_event_error(event), context: String(cString: rd_kafka_event_error_string(event)))
            if rd_kafka_event_error_is_fatal(event) != 0 {
                logger.critical("Kafka producer hit a fatal error", metadata: ["error": "\(error)"])
                tracker.close(reason: KafkaError(code: .fatal, reason: error.reason, isRetriable: false))
            } else {
                logger.warning("Kafka producer error", metadata: ["error": "\(error)"])
            }
        case Int32(RD_KAFKA_EVENT_LOG):
            var facility: UnsafePointer<CChar>?
            var text: UnsafePointer<CChar>?
            var level: Int32 = 0
            if rd_kafka_event_log(event, &facility, &text, &level) == 0 {
                client.context.log(
                    level: level, facility: facility.map { String(cString: $0) } ?? "",
                    message: text.map { String(cString: $0) } ?? "")
            }
        default:
            break
        }
    }

    func send(_ record: KafkaOutgoingRecord) async throws -> KafkaDeliveryReport {
        try await withCheckedThrowingContinuation { continuation in
            guard let id = tracker.register(continuation) else {
                continuation.resume(throwing: closedError)
                return
            }
            enqueueWaitingWhenFull(record, id: id)
        }
    }

    func send(_ records: [KafkaOutgoingRecord]) async throws -> [KafkaDeliveryReport] {
        try await sendEach(records).map { try $0.get() }
    }

    func sendEach(_ records: [KafkaOutgoingRecord]) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        guard !records.isEmpty else { return [] }
        let batch = DeliveryBatch(count: records.count)
        for (index, record) in records.enumerated() {
            guard let id = tracker.register(batch: batch, index: index) else {
                batch.fill(index, with: .failure(closedError))
                continue
            }
            try? await enqueue(record, id: id)
        }
        return await batch.wait()
    }

    private var closedError: KafkaError {
        tracker.closedReason ?? KafkaError(code: .shutDown, reason: "the producer was shut down", isRetriable: true)
    }

    /// The synchronous path for a single send: on a full queue it backs off on a Dispatch thread.
    private func enqueueWaitingWhenFull(_ record: KafkaOutgoingRecord, id: UInt) {
        switch produce(record, id: id) {
        case .none:
            return
        case .some(let error) where error.code == .queueFull:
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(5)) { [self] in
                enqueueWaitingWhenFull(record, id: id)
            }
        case .some(let error):
            tracker.complete(id, with: .failure(error))
        }
    }

    /// Hands a record to librdkafka, backing off while its queue is full; failures complete the waiter.
    private func enqueue(_ record: KafkaOutgoingRecord, id: UInt) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + messageTimeout
        while true {
            guard let error = produce(record, id: id) else { return }
            if error.code == .queueFull, clock.now < deadline, !stopped.load(ordering: .acquiring) {
                try? await Task.sleep(for: .milliseconds(5))
                continue
            }
            tracker.complete(id, with: .failure(error))
            return
        }
    }

    /// One call to `rd_kafka_produceva`; librdkafka copies key, value and headers.
    private func produce(_ record: KafkaOutgoingRecord, id: UInt) -> KafkaError? {
        if stopped.load(ordering: .acquiring) { return closedError }
        let arena = CArena()
        var values: [rd_kafka_vu_t] = []
        values.reserveCapacity(5 + record.headers.count)

        var topic = rd_kafka_vu_t()
        topic.vtype = RD_KAFKA_VTYPE_TOPIC
        topic.u.cstr = UnsafePointer(arena.string(record.topic))
        values.append(topic)

        var value = rd_kafka_vu_t()
        value.vtype = RD_KAFKA_VTYPE_VALUE
        value.u.mem.ptr = arena.bytes(record.value)
        value.u.mem.size = record.value.count
        values.append(value)

        if let keyBytes = record.key {
            var key = rd_kafka_vu_t()
            key.vtype = RD_KAFKA_VTYPE_KEY
            key.u.mem.ptr = arena.bytes(keyBytes)
            key.u.mem.size = keyBytes.count
            values.append(key)
        }

        var flags = rd_kafka_vu_t()
        flags.vtype = RD_KAFKA_VTYPE_MSGFLAGS
        flags.u.i = RD_KAFKA_MSG_F_COPY
        values.append(flags)

        var opaque = rd_kafka_vu_t()
        opaque.vtype = RD_KAFKA_VTYPE_OPAQUE
        opaque.u.ptr = UnsafeMutableRawPointer(bitPattern: id)
        values.append(opaque)

        for header in record.headers {
            var entry = rd_kafka_vu_t()
            entry.vtype = RD_KAFKA_VTYPE_HEADER
            entry.u.header.name = UnsafePointer(arena.string(header.name))
            entry.u.header.val = UnsafeRawPointer(arena.bytes(header.value))
            entry.u.header.size = header.value.count
            values.append(entry)
        }

        guard
            let error = values.withUnsafeBufferPointer({ rd_kafka_produceva(client.handle, $0.baseAddress, $0.count) })
        else { return nil }
        return KafkaError.consuming(error, context: "produce to \(record.topic)")
    }

    func flush(timeout: Duration) async throws {
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        let client = self.client
        let result = await runBlocking { rd_kafka_flush(client.handle, milliseconds) }
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.from(result, context: "flush (\(rd_kafka_outq_len(client.handle)) still queued)")
        }
    }
}
