public import Foundation
public import SwitchboardKafka

/// What one webhook handed to the broker, kept in the spool until the broker acknowledges it: its records
/// (topic, key, value, headers) in order, the order in which it was accepted, and when.
public struct SpoolEntry: Sendable, Equatable {
    /// Acceptance order across the spool's life (it survives restarts): replay goes by it.
    public var sequence: UInt64
    /// When channel-webhook accepted the webhook, for the age of the oldest entry.
    public var acceptedAt: Date
    public var records: [KafkaOutgoingRecord]

    public init(sequence: UInt64, acceptedAt: Date, records: [KafkaOutgoingRecord]) {
        self.sequence = sequence
        self.acceptedAt = acceptedAt
        self.records = records
    }

    public static func == (lhs: SpoolEntry, rhs: SpoolEntry) -> Bool {
        lhs.encoded() == rhs.encoded()
    }

    static let version: UInt8 = 1

    /// The payload written into a ``SpoolFrame``: a version byte, then fixed-width little-endian integers and
    /// length-prefixed byte strings.
    func encoded() -> [UInt8] {
        var writer = SpoolByteWriter()
        writer.bytes.append(Self.version)
        writer.integer(sequence)
        writer.integer(UInt64(bitPattern: Int64((acceptedAt.timeIntervalSince1970 * 1000).rounded())))
        writer.integer(UInt32(records.count))
        for record in records {
            writer.data(Array(record.topic.utf8))
            if let key = record.key {
                writer.bytes.append(1)
                writer.data(key)
            } else {
                writer.bytes.append(0)
            }
            writer.data(record.value)
            writer.integer(UInt32(record.headers.count))
            for header in record.headers {
                writer.data(Array(header.name.utf8))
                writer.data(header.value)
            }
        }
        return writer.bytes
    }

    /// Decodes a payload written by ``encoded()``; nil when it is not one (an unknown version, short data).
    init?(decoding payload: some Collection<UInt8>) {
        var reader = SpoolByteReader(Array(payload))
        guard reader.byte() == Self.version, let sequence = reader.integer(UInt64.self),
            let millis = reader.integer(UInt64.self), let count = reader.integer(UInt32.self)
        else { return nil }
        var records: [KafkaOutgoingRecord] = []
        for _ in 0..<count {
            guard let topic = reader.data(), let hasKey = reader.byte() else { return nil }
            var key: [UInt8]?
            if hasKey == 1 {
                guard let bytes = reader.data() else { return nil }
                key = bytes
            }
            guard let value = reader.data(), let headerCount = reader.integer(UInt32.self) else { return nil }
            var headers: [KafkaHeader] = []
            for _ in 0..<headerCount {
                guard let name = reader.data(), let headerValue = reader.data() else { return nil }
                headers.append(KafkaHeader(name: String(decoding: name, as: UTF8.self), value: headerValue))
            }
            records.append(
                KafkaOutgoingRecord(
                    topic: String(decoding: topic, as: UTF8.self), key: key, value: value, headers: headers))
        }
        guard reader.isAtEnd else { return nil }
        self.init(
            sequence: sequence,
            acceptedAt: Date(timeIntervalSince1970: Double(Int64(bitPattern: millis)) / 1000), records: records)
    }
}

struct SpoolByteWriter {
    var bytes: [UInt8] = []

    mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        for shift in stride(from: 0, to: T.bitWidth, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func data(_ value: [UInt8]) {
        integer(UInt32(value.count))
        bytes += value
    }
}

struct SpoolByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> T? {
        let size = T.bitWidth / 8
        guard bytes.count - offset >= size else { return nil }
        defer { offset += size }
        return (0..<size).reduce(T.zero) { $0 | T(bytes[offset + $1]) << ($1 * 8) }
    }

    mutating func data() -> [UInt8]? {
        guard let count = integer(UInt32.self), bytes.count - offset >= Int(count) else { return nil }
        defer { offset += Int(count) }
        return Array(bytes[offset..<offset + Int(count)])
    }
}
