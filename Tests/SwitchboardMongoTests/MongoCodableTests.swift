import Foundation
import SwitchboardMongo
import Testing

@Suite("Codable documents through SecantusDB")
struct MongoCodableTests {
    @Test("a nested document with dates, optionals, big integers and unicode comes back equal")
    func roundTrip() async throws {
        try await withTestDatabase { client in
            let conversations = client.collection("conversations", as: Conversation.self)
            let original = Conversation(
                _id: "conv-1",
                channel: .whatsapp,
                subject: "Rückruf bitte 🙏 — 你好, мир \"quoted\" \\ back\nslash",
                createdAt: Date(timeIntervalSince1970: 1_700_000_000.123),
                participants: [
                    .init(
                        name: "Zoë 👩🏽‍💻", handles: ["+49 151 000", "zoe@example.com"],
                        lastSeen: Date(timeIntervalSince1970: 0)),
                    .init(name: "Bot", handles: [], lastSeen: nil),
                ],
                tags: ["vip": 1, "日本": 2],
                sequence: 9_007_199_254_740_993,
                score: 0.1,
                open: true)
            let ancient = Conversation(
                _id: "conv-2", channel: .sms, subject: nil,
                createdAt: Date(timeIntervalSince1970: -2_208_988_800.5), participants: [], tags: [:],
                sequence: Int64.min, score: -1e300, open: false)
            try await conversations.insert(original)
            try await conversations.insert(ancient)

            let first = try #require(try await conversations.findOne(["_id": "conv-1"]))
            #expect(first == original)
            #expect(first.sequence == 9_007_199_254_740_993)
            let second = try #require(try await conversations.findOne(["_id": "conv-2"]))
            #expect(second == ancient)
            #expect(second.subject == nil)
        }
    }

    @Test("documents without an _id field get the server's ObjectId and still decode")
    func serverGeneratedId() async throws {
        try await withTestDatabase { client in
            let notes = client.collection("notes", as: Note.self)
            let note = Note(text: "ohne _id ✓", at: Date(timeIntervalSince1970: 1_234_567_890))
            try await notes.insert(note)
            #expect(try await notes.find() == [note])

            struct WithObjectId: Codable, Sendable { var _id: MongoObjectId; var text: String }
            let raw = try #require(try await client.collection("notes", as: WithObjectId.self).findOne())
            #expect(raw.text == note.text)
            #expect(raw._id.hex.count == 24)
        }
    }

    @Test("a stored document that does not fit the type is a decoding error naming the field")
    func decodingError() async throws {
        try await withTestDatabase { client in
            try await client.collection("tickets", as: Note.self)
                .insert(Note(text: "not a ticket", at: .now))
            let error = await #expect(throws: MongoError.self) {
                _ = try await client.collection("tickets", as: Ticket.self).find()
            }
            #expect(error?.code == .decoding)
            #expect(error?.description.contains("not a ticket") == false)
        }
    }
}
