import Foundation
import Testing

@testable import SwitchboardMongo

@Suite("BSON binary values")
struct MongoBinaryTests {
    /// Every byte value, so nothing is read as text on the way.
    static let bytes = Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 7) })

    @Test("binary is canonical Extended JSON and survives libbson as BSON binary")
    func extendedJSONAndBSON() throws {
        let document: MongoDocument = ["b": .binary(Data([0, 1, 255])), "empty": .binary(Data())]
        #expect(
            document.extendedJSON
                == #"{"b":{"$binary":{"base64":"AAH/","subType":"00"}},"empty":{"$binary":{"base64":"","subType":"00"}}}"#
        )
        let round = try BSONDocument(document).document
        #expect(round["b"]?.binaryValue == Data([0, 1, 255]))
        #expect(round["empty"]?.binaryValue == Data())
    }

    @Test("a Codable document with MongoBinary is stored as binary and read back")
    func storedAndRead() async throws {
        struct Chunk: Codable, Sendable, Equatable {
            var _id: String
            var n: Int
            var data: MongoBinary
        }
        try await withTestDatabase { client in
            let chunks = client.collection("chunks", as: Chunk.self)
            let chunk = Chunk(_id: "c-1", n: 0, data: MongoBinary(Self.bytes))
            try await chunks.insert(chunk)
            #expect(try await chunks.findOne(["_id": "c-1"]) == chunk)
            // The server holds real binary: a filter with the same binary value matches it.
            #expect(try await chunks.count(["data": .binary(Self.bytes)]) == 1)
            #expect(try await chunks.count(["data": .string(Self.bytes.base64EncodedString())]) == 0)
            // And a hand-written insert of `.binary` reads back through Codable.
            let raw = client.collection("chunks", as: Chunk.self)
            try await raw.bulkWrite([
                .updateOne(
                    filter: ["_id": "c-2"], update: ["$set": ["n": 1, "data": .binary(Data([9, 8, 7]))]], upsert: true)
            ])
            #expect(try await chunks.findOne(["_id": "c-2"])?.data.data == Data([9, 8, 7]))
        }
    }
}
