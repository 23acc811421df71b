internal import CRdKafka
import Logging
import Synchronization

/// What librdkafka's callbacks reach through the client's opaque pointer.
///
/// It lives exactly as long as the `rd_kafka_t` it belongs to: `KafkaClient` retains it and releases it
/// only after `rd_kafka_destroy` has returned, so no callback can outlive it.
final class KafkaClientContext: Sendable {
    let logger: Logger
    private let rebalanceHandler: Mutex<(@Sendable (RebalanceEvent) -> Void)?>

    init(logger: Logger) {
        self.logger = logger
        self.rebalanceHandler = Mutex(nil)
    }

    func onRebalance(_ handler: @escaping @Sendable (RebalanceEvent) -> Void) {
        rebalanceHandler.withLock { $0 = handler }
    }

    func rebalance(_ event: RebalanceEvent) {
        rebalanceHandler.withLock { $0 }?(event)
    }

    func log(level: Int32, facility: String, message: String) {
        let swiftLevel: Logger.Level
        switch level {
        case ...2: swiftLevel = .critical
        case 3: swiftLevel = .error
        case 4: swiftLevel = .warning
        case 5: swiftLevel = .notice
        case 6: swiftLevel = .info
        default: swiftLevel = .debug
        }
        logger.log(level: swiftLevel, "\(message)", metadata: ["kafka.facility": "\(facility)"])
    }
}

/// A partition assignment change, seen from inside the rebalance callback.
enum RebalanceEvent: Sendable {
    case assigned([TopicPartition])
    case revoked([TopicPartition])
}

/// Owns one `rd_kafka_t` and its context; destroys both when released.
final class KafkaClient: @unchecked Sendable {
    // @unchecked: the handle is only passed to librdkafka functions, which are thread-safe.
    let handle: OpaquePointer
    let context: KafkaClientContext
    private let retainedContext: Unmanaged<KafkaClientContext>

    enum Kind { case producer, consumer }

    init(
        kind: Kind,
        properties: [String: String],
        logger: Logger,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws {
        try KafkaLibrary.requireSupportedVersion()
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.configuration("librdkafka could not allocate a configuration")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, key, value, &errorText, errorText.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                // The value is left out: it may be a credential.
                throw KafkaError.configuration(
                    "librdkafka rejected property \(key): \(String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
                )
            }
        }
        let context = KafkaClientContext(logger: logger)
        let retained = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(conf, retained.toOpaque())
        rd_kafka_conf_set_log_cb(conf) { handle, level, facility, message in
            guard let handle, let opaque = rd_kafka_opaque(handle) else { return }
            let context = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
            context.log(
                level: level,
                facility: facility.map { String(cString: $0) } ?? "",
                message: message.map { String(cString: $0) } ?? "")
        }
        rd_kafka_conf_set_error_cb(conf) { _, err, reason, opaque in
            guard let opaque else { return }
            let context = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
            let error = KafkaError.from(rd_kafka_resp_err_t(err), context: reason.map { String(cString: $0) } ?? "")
            context.logger.warning("Kafka client error", metadata: ["error": "\(error)"])
        }
        configure(conf)
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        // On success rd_kafka_new takes ownership of conf; on failure it is still ours.
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            retained.release()
            throw KafkaError.configuration(
                "librdkafka could not create a client: \(String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
            )
        }
        rd_kafka_set_log_queue(handle, nil)
        self.handle = handle
        self.context = context
        self.retainedContext = retained
    }

    deinit {
        rd_kafka_destroy(handle)
        retainedContext.release()
    }

    var logger: Logger { context.logger }
}
