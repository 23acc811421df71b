/// Kafka header names that travel with every envelope.
public enum EnvelopeHeaders {
    /// The trace id (same as the envelope's `trace_id`), so it can be logged without decoding.
    public static let traceId = "switchboard-trace-id"
    /// The envelope version as a decimal string, e.g. `1`.
    public static let envelopeVersion = "switchboard-envelope-version"

    /// The headers to write for `envelope`, as name/value pairs.
    public static func headers(for envelope: Envelope) -> [(name: String, value: [UInt8])] {
        [
            (traceId, Array(envelope.traceId.utf8)),
            (envelopeVersion, Array(String(envelope.version).utf8)),
        ]
    }
}
