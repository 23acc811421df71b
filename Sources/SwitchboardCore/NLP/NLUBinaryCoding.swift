import Foundation

/// Writes the model file's payload: little-endian integers and floats, length-prefixed UTF-8 strings.
struct NLUBinaryWriter {
    private(set) var data = Data()

    mutating func int(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func uint64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func float(_ value: Float) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        let bytes = Array(value.utf8)
        int(bytes.count)
        data.append(contentsOf: bytes)
    }

    mutating func strings(_ values: [String]) {
        int(values.count)
        for value in values { string(value) }
    }

    mutating func floats(_ values: [Float]) {
        int(values.count)
        data.reserveCapacity(data.count + values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    }

    mutating func int32s(_ values: [Int32]) {
        int(values.count)
        for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    }

    mutating func int8s(_ values: [Int8]) {
        int(values.count)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
    }

    mutating func uint16s(_ values: [UInt16]) {
        int(values.count)
        for value in values { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    }

    /// A map in sorted key order, so the same model writes the same bytes.
    mutating func map(_ values: [String: [String]]) {
        int(values.count)
        for key in values.keys.sorted() {
            string(key)
            strings(values[key] ?? [])
        }
    }
}

/// Reads what ``NLUBinaryWriter`` wrote; every read checks the bounds.
struct NLUBinaryReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ data: Data) {
        bytes = Array(data)
    }

    var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ count: Int) throws(NLUModelFileError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - offset else { throw NLUModelFileError("the model file is truncated") }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    private mutating func littleEndian<T: FixedWidthInteger>(_: T.Type) throws(NLUModelFileError) -> T {
        let slice = try take(MemoryLayout<T>.size)
        var value: T = 0
        for (shift, byte) in slice.enumerated() { value |= T(byte) << (8 * shift) }
        return value
    }

    mutating func int() throws(NLUModelFileError) -> Int {
        let value = try littleEndian(Int64.self)
        guard let converted = Int(exactly: value) else { throw NLUModelFileError("the model file is corrupt") }
        return converted
    }

    mutating func count(_ elementSize: Int) throws(NLUModelFileError) -> Int {
        let count = try int()
        guard count >= 0, count <= (bytes.count - offset) / max(elementSize, 1) else {
            throw NLUModelFileError("the model file is truncated")
        }
        return count
    }

    mutating func uint64() throws(NLUModelFileError) -> UInt64 { try littleEndian(UInt64.self) }

    mutating func float() throws(NLUModelFileError) -> Float { Float(bitPattern: try littleEndian(UInt32.self)) }

    mutating func string() throws(NLUModelFileError) -> String {
        let count = try count(1)
        guard let value = String(bytes: try take(count), encoding: .utf8) else {
            throw NLUModelFileError("the model file has a string that is not UTF-8")
        }
        return value
    }

    mutating func strings() throws(NLUModelFileError) -> [String] {
        let count = try count(8)
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try string()) }
        return values
    }

    mutating func floats() throws(NLUModelFileError) -> [Float] {
        let count = try count(4)
        var values: [Float] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try float()) }
        return values
    }

    mutating func int32s() throws(NLUModelFileError) -> [Int32] {
        let count = try count(4)
        var values: [Int32] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try littleEndian(Int32.self)) }
        return values
    }

    mutating func int8s() throws(NLUModelFileError) -> [Int8] {
        try rawInt8s(try count(1))
    }

    /// `count` int8 values without a length prefix.
    mutating func rawInt8s(_ count: Int) throws(NLUModelFileError) -> [Int8] {
        try take(count).map { Int8(bitPattern: $0) }
    }

    /// `count` floats without a length prefix.
    mutating func rawFloats(_ count: Int) throws(NLUModelFileError) -> [Float] {
        guard count >= 0, count <= Int.max / 4 else { throw NLUModelFileError("the model file is truncated") }
        var values: [Float] = []
        values.reserveCapacity(min(count, 1 << 20))
        for _ in 0..<count { values.append(try float()) }
        return values
    }

    mutating func uint16s() throws(NLUModelFileError) -> [UInt16] {
        let count = try count(2)
        var values: [UInt16] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try littleEndian(UInt16.self)) }
        return values
    }

    mutating func map() throws(NLUModelFileError) -> [String: [String]] {
        let count = try count(16)
        var values: [String: [String]] = [:]
        for _ in 0..<count {
            let key = try string()
            values[key] = try strings()
        }
        return values
    }
}
