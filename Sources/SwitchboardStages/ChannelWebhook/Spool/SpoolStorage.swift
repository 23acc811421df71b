import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The spool's files: append-only segment files `segment-<id>.spool` of ``SpoolFrame`` records, and a
/// `cursor` file naming the first record not yet acknowledged by the broker.
///
/// Every call blocks (writes, `fsync`, reads): ``SpoolDisk`` makes them on its own serial queue, never on
/// the cooperative pool. Not thread-safe on its own.
final class SpoolStorage {
    /// A record read back when the spool is opened.
    struct Recovered: Sendable {
        var position: SpoolPosition
        /// Nil when the record's checksum matched but its payload is not an entry this version reads.
        var entry: SpoolEntry?
    }

    let directory: URL
    let maxBytes: Int
    let segmentBytes: Int
    /// Size on disk of every segment file, by id.
    private(set) var segments: [UInt64: Int] = [:]
    private var active: (id: UInt64, descriptor: Int32)?
    private var nextSegment: UInt64 = 0
    /// Bytes cut off torn or corrupt segment tails when the spool was opened.
    private(set) var droppedTailBytes = 0

    /// Bytes the segment files take on disk; what `maxBytes` bounds.
    var diskBytes: Int { segments.values.reduce(0, +) }

    init(directory: URL, maxBytes: Int, segmentBytes: Int) throws(SpoolError) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.segmentBytes = segmentBytes
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SpoolError(.unwritable, "cannot create the spool directory: \(Self.describe(error))")
        }
    }

    deinit {
        if let active { close(active.descriptor) }
    }

    /// Reads what the spool holds after the cursor, in file order, cutting torn tails off; appends go to a new
    /// segment afterwards.
    func recover() throws(SpoolError) -> [Recovered] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw SpoolError(.unreadable, "cannot list the spool directory: \(Self.describe(error))")
        }
        let ids = names.compactMap(Self.segmentId(fromName:)).sorted()
        let cursor = try readCursor() ?? (segment: ids.first ?? 0, offset: 0)
        var recovered: [Recovered] = []
        for id in ids {
            guard id >= cursor.segment else {
                try remove(segment: id)
                continue
            }
            let bytes = try readWhole(segment: id)
            var offset = id == cursor.segment ? min(cursor.offset, bytes.count) : 0
            scan: while true {
                switch SpoolFrame.read(bytes, at: offset) {
                case .record(let payload, let next):
                    let position = SpoolPosition(segment: id, offset: offset, length: next - offset)
                    recovered.append(Recovered(position: position, entry: SpoolEntry(decoding: payload)))
                    offset = next
                case .end:
                    break scan
                case .torn:
                    droppedTailBytes += bytes.count - offset
                    try cut(segment: id, to: offset)
                    break scan
                }
            }
            segments[id] = offset
        }
        nextSegment = max(cursor.segment, ids.last.map { $0 + 1 } ?? 0)
        return recovered
    }

    /// Appends `frames` in order and makes them durable with one `fsync`; a frame that would pass
    /// `maxBytes` fails with ``SpoolError/Code/full`` (the later, smaller ones may still fit).
    func append(_ frames: [[UInt8]]) -> [Result<SpoolPosition, SpoolError>] {
        var results: [Result<SpoolPosition, SpoolError>] = []
        var written = false
        for frame in frames {
            guard diskBytes + frame.count <= maxBytes else {
                results.append(.failure(SpoolError(.full, "the spool holds \(diskBytes) of \(maxBytes) bytes")))
                continue
            }
            do {
                results.append(.success(try appendFrame(frame)))
                written = true
            } catch {
                results.append(.failure(error))
            }
        }
        guard written, let active else { return results }
        if Self.syncData(active.descriptor) != 0 {
            let failure = SpoolError(.unwritable, "fsync: \(Self.errnoText())")
            abandonActive()
            return results.map { $0.flatMap { _ in .failure(failure) } }
        }
        return results
    }

    /// The payloads at `positions`; nil for a record that no longer reads back whole.
    func read(_ positions: [SpoolPosition]) throws(SpoolError) -> [ArraySlice<UInt8>?] {
        var descriptors: [UInt64: Int32] = [:]
        defer { for descriptor in descriptors.values { close(descriptor) } }
        var payloads: [ArraySlice<UInt8>?] = []
        for position in positions {
            if descriptors[position.segment] == nil {
                let descriptor = open(path(segment: position.segment), O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { throw SpoolError(.unreadable, "open a segment: \(Self.errnoText())") }
                descriptors[position.segment] = descriptor
            }
            var bytes = [UInt8](repeating: 0, count: position.length)
            let count = bytes.withUnsafeMutableBytes {
                pread(descriptors[position.segment]!, $0.baseAddress!, position.length, off_t(position.offset))
            }
            guard count == position.length, case .record(let payload, let next) = SpoolFrame.read(bytes, at: 0),
                next == position.length
            else {
                payloads.append(nil)
                continue
            }
            payloads.append(payload)
        }
        return payloads
    }

    /// Records that everything before `segment`/`offset` is acknowledged: writes the cursor durably, then
    /// deletes the segments wholly before it. When nothing after it remains, every segment goes.
    func commit(segment: UInt64, offset: Int) throws(SpoolError) {
        var cursor = (segment: segment, offset: offset)
        let ids = segments.keys.sorted()
        while let size = segments[cursor.segment], cursor.offset >= size {
            if let later = ids.first(where: { $0 > cursor.segment }) {
                cursor = (later, 0)
            } else {
                if let active, active.id == cursor.segment { abandonActive() }
                cursor = (nextSegment, 0)
                break
            }
        }
        try writeCursor(cursor)
        for id in ids where id < cursor.segment { try remove(segment: id) }
    }

    // MARK: Files

    private func appendFrame(_ frame: [UInt8]) throws(SpoolError) -> SpoolPosition {
        if let current = active, let size = segments[current.id], size > 0, size + frame.count > segmentBytes {
            abandonActive()
        }
        let descriptor = try activeDescriptor()
        let id = active!.id
        let offset = segments[id] ?? 0
        var done = 0
        while done < frame.count {
            let count = frame.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, frame.count - done) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let failure = SpoolError(.unwritable, "write: \(Self.errnoText())")
                // Whatever part of the record reached the file is a torn tail: nothing is appended after it.
                segments[id] = offset + max(done, 0)
                abandonActive()
                throw failure
            }
            done += count
        }
        segments[id] = offset + frame.count
        return SpoolPosition(segment: id, offset: offset, length: frame.count)
    }

    private func activeDescriptor() throws(SpoolError) -> Int32 {
        if let active { return active.descriptor }
        let id = nextSegment
        let descriptor = open(path(segment: id), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SpoolError(.unwritable, "open a segment: \(Self.errnoText())") }
        // The new file's name must be durable too, or a crash could lose the whole segment.
        guard syncDirectory() else {
            close(descriptor)
            throw SpoolError(.unwritable, "fsync the spool directory: \(Self.errnoText())")
        }
        nextSegment = id + 1
        active = (id, descriptor)
        segments[id] = 0
        return descriptor
    }

    /// Stops appending to the current segment; the next append opens a new one.
    private func abandonActive() {
        guard let current = active else { return }
        close(current.descriptor)
        active = nil
    }

    private func readWhole(segment id: UInt64) throws(SpoolError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(segment: id)) else {
            throw SpoolError(.unreadable, "cannot read segment \(id)")
        }
        return [UInt8](data)
    }

    private func cut(segment id: UInt64, to size: Int) throws(SpoolError) {
        guard truncate(path(segment: id), off_t(size)) == 0 else {
            throw SpoolError(.unwritable, "truncate a torn segment: \(Self.errnoText())")
        }
    }

    private func remove(segment id: UInt64) throws(SpoolError) {
        if unlink(path(segment: id)) != 0, errno != ENOENT {
            throw SpoolError(.unwritable, "delete an acknowledged segment: \(Self.errnoText())")
        }
        segments[id] = nil
    }

    private func readCursor() throws(SpoolError) -> (segment: UInt64, offset: Int)? {
        let url = directory.appendingPathComponent("cursor")
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let segment = UInt64(fields[0]), let offset = Int(fields[1]), offset >= 0 else {
            throw SpoolError(.unreadable, "the cursor file is not a spool cursor")
        }
        return (segment, offset)
    }

    /// Written to a temporary file, synced, renamed over the old one, and the directory synced: a crash
    /// leaves the old cursor or the new one, never half of one.
    private func writeCursor(_ cursor: (segment: UInt64, offset: Int)) throws(SpoolError) {
        let temporary = directory.appendingPathComponent("cursor.tmp").path
        let text = Array("\(cursor.segment) \(cursor.offset)\n".utf8)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SpoolError(.unwritable, "open the cursor: \(Self.errnoText())") }
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress!, text.count) }
        let synced = written == text.count && fsync(descriptor) == 0
        close(descriptor)
        guard synced, rename(temporary, directory.appendingPathComponent("cursor").path) == 0, syncDirectory() else {
            throw SpoolError(.unwritable, "write the cursor: \(Self.errnoText())")
        }
    }

    private func syncDirectory() -> Bool {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return fsync(descriptor) == 0
    }

    private func path(segment id: UInt64) -> String {
        directory.appendingPathComponent(Self.segmentName(id)).path
    }

    static func segmentName(_ id: UInt64) -> String {
        let digits = String(id)
        return "segment-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".spool"
    }

    static func segmentId(fromName name: String) -> UInt64? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".spool") else { return nil }
        return UInt64(name.dropFirst("segment-".count).dropLast(".spool".count))
    }

    private static func syncData(_ descriptor: Int32) -> Int32 {
        #if canImport(Glibc)
            fdatasync(descriptor)
        #else
            fsync(descriptor)
        #endif
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    private static func describe(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
