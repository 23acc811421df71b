/// The metadata keys every Switchboard component uses, defined once so that log queries work across daemons.
///
/// ```swift
/// logger.info("routed", metadata: [LogKeys.traceId: "\(traceID)", LogKeys.topic: "\(topic)"])
/// ```
public enum LogKeys {
    /// The trace or correlation id that travels in Kafka headers from webhook to reply.
    public static let traceId = "trace_id"
    /// The tenant the record belongs to.
    public static let tenant = "tenant"
    /// The id of the message envelope being processed.
    public static let envelopeId = "envelope_id"
    /// A Kafka topic name.
    public static let topic = "topic"
    /// A Kafka partition number.
    public static let partition = "partition"
    /// A Kafka offset.
    public static let offset = "offset"
    /// The pipeline stage (daemon) doing the work.
    public static let stage = "stage"
    /// A short error description; never credentials or message bodies.
    public static let error = "error"
    /// The channel (for example `whatsapp`, `webchat`) a message came from or goes to.
    public static let channel = "channel"
    /// The HTTP route pattern of a request.
    public static let route = "route"
    /// A client's IP address as a short digest (`LogPrivacy.addressDigest`), never the address itself.
    public static let clientAddressDigest = "client_addr_digest"
}
