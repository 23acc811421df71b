import Foundation
import Testing

@testable import SwitchboardMongo

@Suite("MongoValue and the Extended JSON edge")
struct MongoValueTests {
    @Test("documents keep key order and replace values in place")
    func ordering() {
        var document: MongoDocument = ["b": 1, "a": 2, "c": 3]
        document["a"] = "two"
        document["d"] = true
        document["b"] = nil
        #expect(document.keys == ["a", "c", "d"])
        #expect(document["a"] == "two")
        #expect(document != ["c": 3, "a": "two", "d": true])
    }

    @Test("canonical Extended JSON names every type")
    func extendedJSON() throws {
        let document: MongoDocument = [
            "s": "a\"b\\c\n\u{1}é😀",
            "i": 1,
            "l": .int64(1 << 40),
            "d": 1.5,
            "t": .date(Date(timeIntervalSince1970: 1.25)),
            "o": .objectId(try #require(MongoObjectId("65a1b2c3d4e5f60718293a4b"))),
            "n": nil,
            "a": [true, false],
        ]
        #expect(
            document.extendedJSON
                == #"{"s":"a\"b\\c\n\u0001é😀","i":{"$numberInt":"1"},"l":{"$numberLong":"1099511627776"},"#
                + #""d":{"$numberDouble":"1.5"},"t":{"$date":{"$numberLong":"1250"}},"#
                + #""o":{"$oid":"65a1b2c3d4e5f60718293a4b"},"n":null,"a":[true,false]}"#)
    }

    @Test("hand-written documents survive libbson unchanged")
    func bsonRoundTrip() throws {
        let document: MongoDocument = [
            "z": "ünïcödé 🎉 中文",
            "big": .int64(Int64.max),
            "small": .int32(-7),
            "pi": 3.141592653589793,
            "when": .date(Date(timeIntervalSince1970: -86_400.001)),
            "nested": ["list": [1, "two", ["three": 3.0]], "empty": [:]],
            "id": .objectId(try #require(MongoObjectId("65A1B2C3D4E5F60718293A4B"))),
            "none": nil,
        ]
        #expect(try BSONDocument(document).document == document)
    }

    @Test("any Encodable becomes a MongoValue the way it is stored")
    func encoding() throws {
        struct Profile: Encodable { var name: String; var age: Int; var at: Date; var nick: String? }
        let value = try MongoValue(
            encoding: Profile(name: "Ada", age: 36, at: Date(timeIntervalSince1970: 2), nick: nil))
        // Keys come out sorted, so an embedded document compares equal from one process to the next.
        #expect(value == ["age": .int32(36), "at": .date(Date(timeIntervalSince1970: 2)), "name": "Ada"])
        #expect(try MongoValue(encoding: [1, 2]) == [1, 2])
        #expect(try MongoValue(encoding: "x") == "x")
        #expect(throws: MongoError.self) { try MongoDocument(encoding: 5) }
    }

    @Test("ISO 8601 dates from relaxed Extended JSON parse to exact milliseconds")
    func isoDates() {
        #expect(MongoCodec.parseISO8601Milliseconds("1970-01-01T00:00:00Z") == 0)
        #expect(MongoCodec.parseISO8601Milliseconds("2023-11-14T22:13:20.123Z") == 1_700_000_000_123)
        #expect(MongoCodec.parseISO8601Milliseconds("2000-02-29T12:00:00.5Z") == 951_825_600_500)
        #expect(MongoCodec.parseISO8601Milliseconds("9999-12-31T23:59:59.999Z") == 253_402_300_799_999)
        #expect(MongoCodec.parseISO8601Milliseconds("2023-13-01T00:00:00Z") == nil)
        #expect(MongoCodec.parseISO8601Milliseconds("2023-11-14 22:13:20Z") == nil)
        #expect(MongoCodec.parseISO8601Milliseconds("2023-11-14T22:13:20") == nil)
    }

    @Test("ObjectIds accept only 24 hexadecimal characters")
    func objectIds() {
        #expect(MongoObjectId("65a1b2c3d4e5f60718293a4b")?.hex == "65a1b2c3d4e5f60718293a4b")
        #expect(MongoObjectId("65a1b2c3d4e5f60718293a4") == nil)
        #expect(MongoObjectId("65a1b2c3d4e5f60718293a4g") == nil)
    }
}
