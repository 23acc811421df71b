import Foundation
import SwitchboardMongo
import Testing

/// The bulk helpers the stages' hot path uses, against the real server.
@Suite("Bulk helpers against SecantusDB")
struct MongoBulkHelperTests {
    @Test("an unordered insert of a redelivered batch stores the new documents and names the ones already there")
    func insertIgnoringDuplicates() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.insert(Ticket(_id: "2", customer: "c", priority: 0, status: "open"))
            try await tickets.insert(Ticket(_id: "4", customer: "c", priority: 0, status: "open"))
            let batch = (1...5).map { Ticket(_id: "\($0)", customer: "c", priority: $0, status: "new") }
            let result = try await tickets.insertManyIgnoringDuplicates(batch)
            #expect(result.insertedCount == 3)
            #expect(result.duplicateIndexes == [1, 3])
            let stored = try await tickets.find([:], sort: ["_id": 1])
            #expect(stored.map(\.status) == ["new", "open", "new", "open", "new"], "existing documents untouched")

            // The same batch again changes nothing and names every document.
            let again = try await tickets.insertManyIgnoringDuplicates(batch)
            #expect(again.insertedCount == 0)
            #expect(again.duplicateIndexes == [0, 1, 2, 3, 4])
            #expect(try await tickets.count() == 5)
        }
    }

    @Test("a failure other than a duplicate still throws")
    func otherFailuresThrow() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.createIndexes([MongoIndex(keys: ["customer": 1], unique: true)])
            try await tickets.insert(Ticket(_id: "a", customer: "c-1", priority: 1, status: "open"))
            // A unique index other than _id is a duplicate too: tolerated in the same way.
            let result = try await tickets.insertManyIgnoringDuplicates([
                Ticket(_id: "b", customer: "c-1", priority: 1, status: "open"),
                Ticket(_id: "c", customer: "c-2", priority: 1, status: "open"),
            ])
            #expect(result.duplicateIndexes == [0])
            #expect(try await tickets.count() == 2)
        }
    }

    struct PriorityOnly: Decodable, Sendable, Equatable {
        var _id: String
        var priority: Int
        var status: String?
    }

    @Test("an $in read with a projection returns only the asked fields of the matching documents")
    func inReadWithProjection() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.insertMany(
                (1...6).map { Ticket(_id: "\($0)", customer: "c", priority: $0, status: "open") })
            let found = try await tickets.find(
                ["_id": ["$in": ["2", "5", "9"]]], projection: ["priority": 1], as: PriorityOnly.self)
            #expect(
                found.sorted { $0._id < $1._id } == [
                    PriorityOnly(_id: "2", priority: 2), PriorityOnly(_id: "5", priority: 5),
                ])
        }
    }

    @Test("a bulk write counts matches and upserts, so a stage can tell an update that found nothing")
    func bulkWriteCounts() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.insert(Ticket(_id: "a", customer: "c", priority: 1, status: "open"))
            let result = try await tickets.bulkWrite(
                [
                    .updateOne(filter: ["_id": "a", "status": "open"], update: ["$max": ["priority": 3]]),
                    .updateOne(filter: ["_id": "a", "status": "closed"], update: ["$max": ["priority": 9]]),
                    .updateOne(
                        filter: ["_id": "b"],
                        update: ["$setOnInsert": ["customer": "d", "priority": 0, "status": "new"]], upsert: true),
                    .updateOne(filter: ["_id": "a"], update: ["$max": ["priority": 2]]),
                ], ordered: false)
            #expect(result.matchedCount == 2)
            #expect(result.upsertedCount == 1)
            #expect(try await tickets.find(["_id": "a"]).first?.priority == 3, "$max never moves a value back")
        }
    }
}
