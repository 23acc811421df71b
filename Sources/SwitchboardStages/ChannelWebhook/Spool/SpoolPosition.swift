/// Where a record lies in the spool: its segment file, its offset there and its length (header included).
public struct SpoolPosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var segment: UInt64
    public var offset: Int
    public var length: Int

    public init(segment: UInt64, offset: Int, length: Int) {
        self.segment = segment
        self.offset = offset
        self.length = length
    }

    /// Where the next record starts.
    public var end: Int { offset + length }

    public static func < (lhs: SpoolPosition, rhs: SpoolPosition) -> Bool {
        (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
    }

    public var description: String { "\(segment):\(offset)+\(length)" }
}

/// Why the spool could not take an entry.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Taking the entry would pass `SWITCHBOARD_SPOOL_MAX_BYTES`.
        public static let full = Code("full")
        /// The spool directory could not be written or synced (disk full, permissions, I/O error).
        public static let unwritable = Code("unwritable")
        /// The spool directory holds something that is not a spool, or could not be read.
        public static let unreadable = Code("unreadable")
    }

    public let code: Code
    /// A short reason: the operation and the system's error text, never message contents.
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "spool \(code): \(reason)" }
}
