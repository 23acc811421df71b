import Foundation
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("media store: GridFS layout on the local database")
struct MediaStoreTests {
    struct ChunkRow: Codable, Sendable {
        var files_id: String
        var n: Int
        var data: MongoBinary
    }

    /// 600 000 bytes that differ chunk to chunk: three GridFS chunks (255 KiB, 255 KiB, the rest).
    static let bytes: [UInt8] = (0..<600_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }

    static func upload(tenant: String = "demo", message: String = "m-1", bytes: [UInt8] = bytes) -> MediaStore.Upload {
        MediaStore.Upload(
            tenantId: tenant, messageId: message, customerId: "c-1", contentType: "image/png", fileName: "photo.png",
            bytes: bytes)
    }

    @Test func aMultiChunkFileRoundTripsWithItsChecksumAndTenant() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let store = test.database.media
        let file = try await store.store(Self.upload())
        #expect(file.length == 600_000)
        #expect(file.chunkSize == 261_120)
        #expect(file.metadata.sha256 == MediaStore.sha256(Self.bytes))
        #expect(file.metadata.tenant_id == "demo" && file.metadata.message_id == "m-1")
        #expect(file.metadata.customer_id == "c-1" && file.metadata.content_type == "image/png")

        // The chunks are GridFS's: files_id, n from 0, binary data of chunkSize bytes but the last.
        let chunks = try await test.database.client.collection("media.chunks", as: ChunkRow.self)
            .find(["files_id": .string(file._id)], sort: ["n": 1])
        #expect(chunks.map(\.n) == [0, 1, 2])
        #expect(chunks.map(\.data.data.count) == [261_120, 261_120, 600_000 - 2 * 261_120])
        #expect(
            try await test.database.client.collection("media.chunks", as: ChunkRow.self)
                .count(["data": .binary(chunks[2].data.data)]) == 1)

        let stored = try #require(try await store.file(id: file._id, tenantId: "demo"))
        #expect(try await store.contents(of: stored) == Self.bytes)
        // Another tenant asking for the same id finds nothing.
        #expect(try await store.file(id: file._id, tenantId: "night") == nil)
    }

    @Test func storingTheSameMediaAgainKeepsOneFile() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let store = test.database.media
        let first = try await store.store(Self.upload())
        let again = try await store.store(Self.upload())
        #expect(again == first)
        let chunks = test.database.client.collection("media.chunks", as: ChunkRow.self)
        #expect(try await chunks.count(["files_id": .string(first._id)]) == 3)
        let files = test.database.client.collection("media.files", as: MediaStore.StoredFile.self)
        #expect(try await files.count([:]) == 1)
        // The same message id in another tenant is another file.
        let other = try await store.store(Self.upload(tenant: "night"))
        #expect(other._id != first._id)
        #expect(try await store.existing(tenantId: "demo", messageId: "m-1") == first)
    }

    @Test func chunksAreUniquePerFileAndPosition() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        let file = try await test.database.media.store(Self.upload(bytes: [1, 2, 3]))
        let chunks = test.database.client.collection("media.chunks", as: ChunkRow.self)
        // The unique {files_id: 1, n: 1} index GridFS readers expect refuses a second chunk 0.
        await #expect(throws: MongoError.self) {
            try await chunks.insert(ChunkRow(files_id: file._id, n: 0, data: MongoBinary(Data([9]))))
        }
        #expect(try await test.database.media.contents(of: file) == [1, 2, 3])
    }
}
