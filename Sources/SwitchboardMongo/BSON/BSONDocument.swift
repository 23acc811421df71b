internal import CMongoc
import Foundation

/// The one place BSON is made and read. Everything above it sees `Codable` values, `MongoDocument`s and JSON.
///
/// An owned libbson document. Not `Sendable`: it lives inside a single call on the client's thread pool.
/// libbson declares `bson_t` and `bson_iter_t` 128-byte aligned, which Swift imports only as opaque
/// pointers, so the few that the C API expects the caller to provide are allocated here by hand.
final class BSONDocument {
    /// `bson_t *`, valid for the lifetime of this object.
    let pointer: OpaquePointer
    /// Set when the `bson_t` struct itself is ours (replies); `nil` when libbson allocated it.
    private let storage: UnsafeMutableRawPointer?

    private static let structSize = 128
    private static let structAlignment = 128

    /// An empty document, for libmongoc to fill in as a reply.
    init() {
        let storage = UnsafeMutableRawPointer.allocate(byteCount: Self.structSize, alignment: Self.structAlignment)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: Self.structSize)
        self.storage = storage
        self.pointer = OpaquePointer(storage)
        bson_init(pointer)
    }

    /// Parses (relaxed or canonical) Extended JSON text.
    init(json: Data) throws(MongoError) {
        var error = bson_error_t()
        let parsed = json.withUnsafeBytes { raw in
            bson_new_from_json(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &error)
        }
        // libbson's parse message quotes the input, which may be a message body: keep only the position.
        guard let parsed else {
            throw MongoError(code: .encoding, reason: "not a valid BSON document (libbson code \(error.code))")
        }
        self.pointer = parsed
        self.storage = nil
    }

    convenience init(_ document: MongoDocument) throws(MongoError) {
        try self.init(json: Data(document.extendedJSON.utf8))
    }

    convenience init(encoding value: some Encodable) throws(MongoError) {
        try self.init(json: MongoCodec.encode(value))
    }

    deinit {
        bson_destroy(pointer)
        storage?.deallocate()
    }

    /// This document's fields as `MongoValue`s.
    var document: MongoDocument { Self.document(of: pointer) }

    /// Decodes this document as `T`.
    func decode<T: Decodable>(_ type: T.Type) throws(MongoError) -> T {
        try Self.decode(type, from: pointer)
    }

    /// Decodes a document libmongoc lent us (a cursor's current document), copying it out first.
    static func decode<T: Decodable>(_ type: T.Type, from pointer: OpaquePointer) throws(MongoError) -> T {
        try MongoCodec.decode(type, from: relaxedJSON(of: pointer))
    }

    private static func relaxedJSON(of pointer: OpaquePointer) throws(MongoError) -> Data {
        var length = 0
        guard let text = bson_as_relaxed_extended_json(pointer, &length) else {
            throw MongoError(code: .decoding, reason: "libbson could not render a document (invalid UTF-8?)")
        }
        defer { bson_free(text) }
        return Data(bytes: text, count: length)
    }

    // MARK: - Reading into MongoValue

    static func document(of pointer: OpaquePointer) -> MongoDocument {
        withIterator { iterator in
            guard bson_iter_init(iterator, pointer) else { return MongoDocument() }
            return MongoDocument(fields(of: iterator))
        }
    }

    private static func withIterator<R>(_ body: (OpaquePointer) -> R) -> R {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 2 * structSize, alignment: structAlignment)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: 2 * structSize)
        defer { raw.deallocate() }
        return body(OpaquePointer(raw))
    }

    private static func fields(of iterator: OpaquePointer) -> [(String, MongoValue)] {
        var fields: [(String, MongoValue)] = []
        while bson_iter_next(iterator) {
            fields.append((String(cString: bson_iter_key(iterator)), value(at: iterator)))
        }
        return fields
    }

    /// Types `MongoValue` has no case for (decimal128, timestamps in replies...) read as `.null`; binary of any
    /// subtype reads as `.binary` (its bytes).
    private static func value(at iterator: OpaquePointer) -> MongoValue {
        switch bson_iter_type(iterator) {
        case BSON_TYPE_UTF8:
            var length: UInt32 = 0
            guard let bytes = bson_iter_utf8(iterator, &length) else { return .null }
            return .string(String(decoding: UnsafeRawBufferPointer(start: bytes, count: Int(length)), as: UTF8.self))
        case BSON_TYPE_INT32: return .int32(bson_iter_int32(iterator))
        case BSON_TYPE_INT64: return .int64(bson_iter_int64(iterator))
        case BSON_TYPE_DOUBLE: return .double(bson_iter_double(iterator))
        case BSON_TYPE_BOOL: return .bool(bson_iter_bool(iterator))
        case BSON_TYPE_DATE_TIME: return .date(Date(bsonMilliseconds: bson_iter_date_time(iterator)))
        case BSON_TYPE_OID:
            var text = [CChar](repeating: 0, count: 25)
            bson_oid_to_string(bson_iter_oid(iterator), &text)
            return MongoObjectId(String(decoding: text.prefix(24).map { UInt8(bitPattern: $0) }, as: UTF8.self))
                .map(MongoValue.objectId) ?? .null
        case BSON_TYPE_BINARY:
            var subtype = BSON_SUBTYPE_BINARY
            var length: UInt32 = 0
            var bytes: UnsafePointer<UInt8>?
            bson_iter_binary(iterator, &subtype, &length, &bytes)
            guard let bytes else { return .binary(Data()) }
            return .binary(Data(bytes: bytes, count: Int(length)))
        case BSON_TYPE_DOCUMENT, BSON_TYPE_ARRAY:
            let isArray = bson_iter_type(iterator) == BSON_TYPE_ARRAY
            let children = withIterator { child in
                bson_iter_recurse(iterator, child) ? fields(of: child) : []
            }
            return isArray ? .array(children.map(\.1)) : .document(MongoDocument(children))
        default:
            return .null
        }
    }
}

extension MongoValue {
    /// Any `Encodable` value as the server would store it, for `["$set": try MongoValue(encoding: profile)]`.
    public init(encoding value: some Encodable) throws(MongoError) {
        let wrapped = try BSONDocument(encoding: Wrapper(value: value))
        self = wrapped.document["v"] ?? .null
    }
}

extension MongoDocument {
    /// An `Encodable` value that encodes as a keyed container (a struct), as a document.
    public init(encoding value: some Encodable) throws(MongoError) {
        guard case .document(let document) = try MongoValue(encoding: value) else {
            throw MongoError(code: .encoding, reason: "\(type(of: value)) does not encode as a document")
        }
        self = document
    }
}

private struct Wrapper<Value: Encodable>: Encodable {
    let value: Value
    enum CodingKeys: String, CodingKey { case value = "v" }
}
