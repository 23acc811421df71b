/// One record in a spool segment: a 12-byte header (magic, payload length, CRC-32 of the payload, all
/// little-endian) and the payload.
///
/// A crash can leave the last record of a segment half written; reading stops there (``Read/torn``) and the
/// segment is cut back to the last whole record.
enum SpoolFrame {
    /// `"SBS1"`: marks the start of a record, so a zero-filled tail is not read as an empty record.
    static let magic: UInt32 = 0x3153_4253
    static let headerSize = 12
    /// The largest payload accepted when reading; a larger length field means a corrupt header.
    static let maxPayload = 256 * 1024 * 1024

    /// What reading at an offset found.
    enum Read: Equatable {
        /// A whole record whose checksum matches; the next record starts at `next`.
        case record(payload: ArraySlice<UInt8>, next: Int)
        /// The end of the data, exactly at a record boundary.
        case end
        /// A partial header, a partial payload, a wrong magic or a checksum mismatch.
        case torn
    }

    /// The bytes of one record holding `payload`.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + payload.count)
        append(magic, to: &bytes)
        append(UInt32(payload.count), to: &bytes)
        append(SpoolCRC32.checksum(payload), to: &bytes)
        bytes += payload
        return bytes
    }

    /// Reads the record starting at `offset` in `bytes`.
    static func read(_ bytes: [UInt8], at offset: Int) -> Read {
        guard offset < bytes.count else { return .end }
        guard bytes.count - offset >= headerSize else { return .torn }
        guard word(bytes, offset) == magic else { return .torn }
        let length = Int(word(bytes, offset + 4))
        let start = offset + headerSize
        guard length <= maxPayload, bytes.count - start >= length else { return .torn }
        let payload = bytes[start..<start + length]
        guard SpoolCRC32.checksum(payload) == word(bytes, offset + 8) else { return .torn }
        return .record(payload: payload, next: start + length)
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    private static func word(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << ($1 * 8) }
    }
}
