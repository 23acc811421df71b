public import Foundation

/// A record no stage could process, written to the `deadletter` topic with the reason.
///
/// The original bytes are kept (base64 on the wire) so the record can be inspected and replayed.
public struct DeadLetter: Sendable, Hashable, Codable {
    /// The topic the record was read from.
    public var originalTopic: String
    /// Its partition.
    public var partition: Int32
    /// Its offset.
    public var offset: Int64
    /// Its key, if it had one (UTF-8, lossy).
    public var key: String?
    /// The original value bytes.
    public var originalBytes: [UInt8]
    /// Why it failed, e.g. an ``EnvelopeDecodingError`` description. Never contains message content.
    public var reason: String
    /// The stage that gave up, e.g. `session`.
    public var stage: String
    /// When it gave up.
    public var failedAt: Date
    /// The trace id from the record's header, if there was one.
    public var traceId: String?

    /// Creates a dead letter.
    public init(
        originalTopic: String, partition: Int32, offset: Int64, key: String?, originalBytes: [UInt8],
        reason: String, stage: String, failedAt: Date, traceId: String? = nil
    ) {
        self.originalTopic = originalTopic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.originalBytes = originalBytes
        self.reason = reason
        self.stage = stage
        self.failedAt = failedAt
        self.traceId = traceId
    }

    enum CodingKeys: String, CodingKey {
        case partition, offset, key, reason, stage
        case originalTopic = "original_topic"
        case originalBytes = "original_base64"
        case failedAt = "failed_at"
        case traceId = "trace_id"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        originalTopic = try container.decode(String.self, forKey: .originalTopic)
        partition = try container.decode(Int32.self, forKey: .partition)
        offset = try container.decode(Int64.self, forKey: .offset)
        key = try container.decodeIfPresent(String.self, forKey: .key)
        let base64 = try container.decode(String.self, forKey: .originalBytes)
        guard let data = Data(base64Encoded: base64) else {
            throw DecodingError.dataCorruptedError(
                forKey: .originalBytes, in: container, debugDescription: "not valid base64")
        }
        originalBytes = Array(data)
        reason = try container.decode(String.self, forKey: .reason)
        stage = try container.decode(String.self, forKey: .stage)
        failedAt = try container.decode(Date.self, forKey: .failedAt)
        traceId = try container.decodeIfPresent(String.self, forKey: .traceId)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(originalTopic, forKey: .originalTopic)
        try container.encode(partition, forKey: .partition)
        try container.encode(offset, forKey: .offset)
        try container.encodeIfPresent(key, forKey: .key)
        try container.encode(Data(originalBytes).base64EncodedString(), forKey: .originalBytes)
        try container.encode(reason, forKey: .reason)
        try container.encode(stage, forKey: .stage)
        try container.encode(failedAt, forKey: .failedAt)
        try container.encodeIfPresent(traceId, forKey: .traceId)
    }
}
