import Foundation
import SwitchboardKafka
import Testing

@testable import SwitchboardStages

/// The spool's file format: record framing, entry encoding, segment files, the cursor, recovery.
@Suite("Spool file format")
struct SpoolFormatTests {
    static func entry(_ sequence: UInt64, records: Int = 2, value: String = "hello") -> SpoolEntry {
        SpoolEntry(
            sequence: sequence, acceptedAt: Date(timeIntervalSince1970: 1_700_000_000.123),
            records: (0..<records).map { index in
                KafkaOutgoingRecord(
                    topic: "sb.inbound", key: index == 1 ? nil : Array("tenant|whatsapp|\(sequence)".utf8),
                    value: Array("\(value)-\(sequence)-\(index)".utf8),
                    headers: [KafkaHeader(name: "switchboard-trace-id", text: "trace-\(sequence)")])
            })
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("spool-test-\(UUID().uuidString)")
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(SpoolCRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(SpoolCRC32.checksum([UInt8]()) == 0)
    }

    @Test func entryRoundTripsWithKeysHeadersAndTime() throws {
        let entry = Self.entry(42, records: 3)
        let decoded = try #require(SpoolEntry(decoding: entry.encoded()))
        #expect(decoded == entry)
        #expect(decoded.records[1].key == nil)
        #expect(decoded.records[0].headers.first?.text == "trace-42")
        #expect(decoded.acceptedAt.timeIntervalSince1970 == 1_700_000_000.123)
        #expect(SpoolEntry(decoding: entry.encoded().dropLast()) == nil)
        #expect(SpoolEntry(decoding: [9] + entry.encoded().dropFirst()) == nil)
    }

    @Test func everyCutOfTheLastRecordReadsAsTorn() throws {
        let first = SpoolFrame.frame(Self.entry(1).encoded())
        let second = SpoolFrame.frame(Self.entry(2).encoded())
        let bytes = first + second
        guard case .record(let payload, let next) = SpoolFrame.read(bytes, at: 0) else {
            Issue.record("the first record does not read")
            return
        }
        #expect(SpoolEntry(decoding: payload)?.sequence == 1)
        #expect(next == first.count)
        #expect(SpoolFrame.read(bytes, at: bytes.count) == .end)
        for cut in first.count + 1..<bytes.count {
            #expect(SpoolFrame.read(Array(bytes[..<cut]), at: first.count) == .torn, "cut at \(cut)")
        }
        var flipped = bytes
        flipped[first.count + SpoolFrame.headerSize + 3] ^= 0x40
        #expect(SpoolFrame.read(flipped, at: first.count) == .torn)
        #expect(SpoolFrame.read(Array(repeating: 0, count: 64), at: 0) == .torn)
    }

    @Test func appendedRecordsAreReadBackAfterReopening() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try SpoolStorage(directory: directory, maxBytes: 1 << 20, segmentBytes: 1 << 16)
        #expect(try storage.recover().isEmpty)
        let entries = (0..<5).map { Self.entry(UInt64($0)) }
        let positions = try storage.append(entries.map { SpoolFrame.frame($0.encoded()) }).map { try $0.get() }
        #expect(positions.map(\.segment) == Array(repeating: positions[0].segment, count: 5))
        #expect(zip(positions, positions.dropFirst()).allSatisfy { $0.end == $1.offset })
        let payloads = try storage.read([positions[3], positions[1]])
        #expect(payloads.map { $0.flatMap { SpoolEntry(decoding: $0)?.sequence } } == [3, 1])

        let reopened = try SpoolStorage(directory: directory, maxBytes: 1 << 20, segmentBytes: 1 << 16)
        let recovered = try reopened.recover()
        #expect(recovered.map(\.entry) == entries)
        #expect(recovered.map(\.position) == positions)
        // Appends after a restart go to a new segment, never after what recovery read.
        let later = try #require(try reopened.append([SpoolFrame.frame(Self.entry(5).encoded())]).first?.get())
        #expect(later.segment > positions[0].segment)
        #expect(later.offset == 0)
    }

    @Test func aTornTailIsCutOffAndTheRestKept() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try SpoolStorage(directory: directory, maxBytes: 1 << 20, segmentBytes: 1 << 16)
        _ = try storage.recover()
        let positions = try storage.append([1, 2].map { SpoolFrame.frame(Self.entry($0).encoded()) }).map {
            try $0.get()
        }
        // A crash in the middle of writing the third record: half of it reached the file.
        let segment = directory.appendingPathComponent(SpoolStorage.segmentName(positions[0].segment))
        let third = SpoolFrame.frame(Self.entry(3).encoded())
        let handle = try FileHandle(forWritingTo: segment)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(third.prefix(third.count / 2)))
        try handle.close()

        let reopened = try SpoolStorage(directory: directory, maxBytes: 1 << 20, segmentBytes: 1 << 16)
        let recovered = try reopened.recover()
        #expect(recovered.compactMap(\.entry?.sequence) == [1, 2])
        #expect(reopened.droppedTailBytes == third.count / 2)
        let size = try FileManager.default.attributesOfItem(atPath: segment.path)[.size] as? Int
        #expect(size == positions[1].end)
        #expect(try SpoolStorage(directory: directory, maxBytes: 1 << 20, segmentBytes: 1 << 16).recover().count == 2)
    }

    @Test func theSizeBoundRefusesWithFullUntilTheCursorFreesSpace() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let frame = SpoolFrame.frame(Self.entry(0).encoded())
        let storage = try SpoolStorage(directory: directory, maxBytes: frame.count * 3, segmentBytes: frame.count * 2)
        _ = try storage.recover()
        let results = storage.append(Array(repeating: frame, count: 4))
        let positions = results.compactMap { try? $0.get() }
        #expect(positions.count == 3)
        guard case .failure(let error) = results[3] else {
            Issue.record("the fourth record was taken")
            return
        }
        #expect(error.code == .full)
        #expect(storage.diskBytes == frame.count * 3)
        // Everything acknowledged: the segments go and the spool takes records again.
        try storage.commit(segment: positions[2].segment, offset: positions[2].end)
        #expect(storage.diskBytes == 0)
        #expect(try storage.append([frame])[0].get().offset == 0)
    }

    @Test func theCursorSurvivesARestartAndDeletesAcknowledgedSegments() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let frames = (0..<6).map { SpoolFrame.frame(Self.entry(UInt64($0)).encoded()) }
        let storage = try SpoolStorage(directory: directory, maxBytes: 1 << 20, segmentBytes: frames[0].count * 2)
        _ = try storage.recover()
        let positions = try storage.append(frames).map { try $0.get() }
        #expect(Set(positions.map(\.segment)).count == 3)
        try storage.commit(segment: positions[3].segment, offset: positions[3].offset)
        let segmentFiles = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasPrefix("segment-")
        }
        #expect(segmentFiles.count == 2)

        let reopened = try SpoolStorage(directory: directory, maxBytes: 1 << 20, segmentBytes: 1 << 16)
        #expect(try reopened.recover().compactMap(\.entry?.sequence) == [3, 4, 5])
    }

    @Test func aWriteTheDiskRefusesIsUnwritable() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (disk, recovered, _) = try await SpoolDisk.open(
            directory: directory, maxBytes: 1 << 20, segmentBytes: 1 << 16)
        #expect(recovered.isEmpty)
        // The next segment file is a link to /dev/full: every write fails with ENOSPC.
        try FileManager.default.createSymbolicLink(
            atPath: directory.appendingPathComponent(SpoolStorage.segmentName(0)).path,
            withDestinationPath: "/dev/full")
        let result = await disk.append(SpoolFrame.frame(Self.entry(0).encoded())) { _ in }
        guard case .failure(let error) = result else {
            Issue.record("the write to /dev/full succeeded")
            return
        }
        #expect(error.code == .unwritable)
    }

    @Test func aSpoolDirectoryThatCannotBeCreatedFailsToOpen() async throws {
        let file = Self.temporaryDirectory()
        try Data("not a directory".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect(throws: SpoolError.self) {
            _ = try await SpoolDisk.open(
                directory: file.appendingPathComponent("spool"), maxBytes: 1 << 20, segmentBytes: 1 << 16)
        }
    }
}
