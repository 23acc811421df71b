public import Foundation

/// Makes time-ordered UUIDv7 ids (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that
/// keeps ids made within one millisecond strictly increasing, then 62 random bits.
///
/// One generator per process is enough; it is safe to share between tasks.
public final class UUIDv7Generator: @unchecked Sendable {
    // @unchecked: the mutable state is only touched under `lock`.
    private let lock = NSLock()
    private var lastMilliseconds: UInt64 = 0
    private var counter: UInt16 = 0
    private let now: @Sendable () -> Date

    /// Creates a generator reading time from `now` (tests pass a fixed clock).
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// Returns the next id. Ids from one generator are strictly increasing, even if the clock steps back.
    public func next() -> UUID {
        let wall = UInt64(max(0, (now().timeIntervalSince1970 * 1000).rounded(.down)))
        let (milliseconds, sequence): (UInt64, UInt16) = lock.withLock {
            if wall > lastMilliseconds {
                lastMilliseconds = wall
                counter = UInt16.random(in: 0...0x3FF)  // random start, headroom to count up
            } else if counter < 0xFFF {
                counter += 1
            } else {
                // Counter exhausted within this millisecond: borrow the next millisecond.
                lastMilliseconds += 1
                counter = 0
            }
            return (lastMilliseconds, counter)
        }
        return Self.make(milliseconds: milliseconds, counter: sequence, random: UInt64.random(in: .min ... .max))
    }

    /// Builds a UUIDv7 from its parts.
    public static func make(milliseconds: UInt64, counter: UInt16, random: UInt64) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - UInt64(index))))
        }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: (counter >> 8) & 0x0F)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        for index in 8..<16 {
            bytes[index] = UInt8(truncatingIfNeeded: random >> (8 * (15 - UInt64(index))))
        }
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return UUID(bytes: bytes)
    }

    /// The Unix milliseconds stored in a UUIDv7, or nil if `id` is not version 7.
    public static func milliseconds(of id: UUID) -> UInt64? {
        let bytes = id.byteArray
        guard bytes[6] >> 4 == 7 else { return nil }
        return bytes[0..<6].reduce(0) { ($0 << 8) | UInt64($1) }
    }
}

extension UUID {
    /// Creates a UUID from exactly 16 bytes.
    init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a UUID has 16 bytes")
        self.init(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// The 16 bytes of the UUID in network order.
    var byteArray: [UInt8] {
        withUnsafeBytes(of: uuid) { Array($0) }
    }
}
