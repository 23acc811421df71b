public import Foundation

/// A value in a filter, update, sort or index specification, or read back from a server reply.
///
/// Documents of your own types go through `Codable`; `MongoValue` is for the small, hand-written
/// documents that drive the server (`["status": "open", "score": ["$gt": 3]]`).
public enum MongoValue: Sendable, Hashable {
    case string(String)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    /// Stored as a BSON date: milliseconds since 1970, so sub-millisecond precision is lost.
    case date(Date)
    case objectId(MongoObjectId)
    /// BSON binary data of the generic subtype (0), e.g. a GridFS chunk.
    case binary(Data)
    case null
    case array([MongoValue])
    case document(MongoDocument)

    /// An integer stored the way the server and `Codable` documents store it: 32-bit when it fits.
    public static func int(_ value: Int) -> MongoValue {
        if let small = Int32(exactly: value) { return .int32(small) }
        return .int64(Int64(value))
    }

    /// The value as an `Int` if it is a number without a fractional part.
    public var intValue: Int? {
        switch self {
        case .int32(let value): Int(value)
        case .int64(let value): Int(exactly: value)
        case .double(let value): Int(exactly: value)
        default: nil
        }
    }

    /// The value as a `String` if it is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The bytes if the value is binary data.
    public var binaryValue: Data? {
        if case .binary(let value) = self { return value }
        return nil
    }

    /// The value as a nested document if it is one.
    public var documentValue: MongoDocument? {
        if case .document(let value) = self { return value }
        return nil
    }

    /// The value as an array if it is one.
    public var arrayValue: [MongoValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

extension MongoValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension MongoValue: ExpressibleByStringInterpolation {}

extension MongoValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension MongoValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension MongoValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension MongoValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension MongoValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: MongoValue...) { self = .array(elements) }
}

extension MongoValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, MongoValue)...) {
        self = .document(MongoDocument(elements))
    }
}
