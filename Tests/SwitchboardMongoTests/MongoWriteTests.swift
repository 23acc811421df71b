import Foundation
import SwitchboardMongo
import Testing

@Suite("Writes against SecantusDB")
struct MongoWriteTests {
    @Test("an upsert creates the document, the second one updates it")
    func upsertCreatesThenUpdates() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            let update: MongoDocument = [
                "$set": ["status": "open", "customer": "c-1", "priority": 2],
                "$inc": ["attempts": 1],
            ]
            let created = try await tickets.updateOne(filter: ["_id": "t-1"], update: update, upsert: true)
            #expect(created.matchedCount == 0)
            #expect(created.upsertedId == "t-1")

            let updated = try await tickets.updateOne(filter: ["_id": "t-1"], update: update, upsert: true)
            #expect(updated.matchedCount == 1)
            #expect(updated.modifiedCount == 1)
            #expect(updated.upsertedId == nil)

            let stored = try await tickets.find()
            #expect(stored == [Ticket(_id: "t-1", customer: "c-1", priority: 2, status: "open", attempts: 2)])
        }
    }

    @Test("a unique index turns a second insert into the duplicate-key error")
    func uniqueIndexDuplicateKey() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.createIndexes([MongoIndex(keys: ["customer": 1, "status": 1], unique: true)])
            // Creating the same indexes again is what every start-up does.
            try await tickets.createIndexes([MongoIndex(keys: ["customer": 1, "status": 1], unique: true)])

            try await tickets.insert(Ticket(_id: "a", customer: "c-1", priority: 1, status: "open"))
            try await tickets.insert(Ticket(_id: "b", customer: "c-1", priority: 1, status: "closed"))
            let error = await #expect(throws: MongoError.self) {
                try await tickets.insert(Ticket(_id: "c", customer: "c-1", priority: 5, status: "open"))
            }
            #expect(error?.code == .duplicateKey)
            #expect(error?.serverCode == 11000)
            #expect(error?.isRetriable == false)
            #expect(error?.operation == "insert(tickets)")
            #expect(error?.description.contains("c-1") == false)
            #expect(try await tickets.count() == 2)
        }
    }

    @Test("a duplicate _id inside an unordered bulk insert is the duplicate-key error, the rest is written")
    func bulkDuplicateKey() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.insert(Ticket(_id: "2", customer: "c", priority: 0, status: "open"))
            let batch = (1...4).map { Ticket(_id: "\($0)", customer: "c", priority: $0, status: "open") }
            let error = await #expect(throws: MongoError.self) {
                try await tickets.insertMany(batch, ordered: false)
            }
            #expect(error?.code == .duplicateKey)
            #expect(try await tickets.count() == 4)
        }
    }

    @Test("a bulk write of 10,000 documents stores all of them")
    func bulkInsertTenThousand() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            let batch = (0..<10_000).map {
                Ticket(_id: "t-\($0)", customer: "c-\($0 % 100)", priority: $0 % 5, status: "open")
            }
            let result = try await tickets.bulkWrite(batch.map { .insertOne($0) }, ordered: false)
            #expect(result.insertedCount == 10_000)
            #expect(try await tickets.count() == 10_000)
            #expect(try await tickets.count(["customer": "c-42"]) == 100)
            let last = try await tickets.findOne(["_id": "t-9999"])
            #expect(last == batch.last)
        }
    }

    @Test("a bulk write mixes updates, upserts, replaces and deletes")
    func mixedBulkWrite() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.insertMany(
                (1...3).map { Ticket(_id: "\($0)", customer: "c", priority: $0, status: "open") })
            let result = try await tickets.bulkWrite([
                .updateOne(filter: ["_id": "1"], update: ["$set": ["status": "closed"]]),
                .updateMany(filter: ["status": "open"], update: ["$inc": ["priority": 10]]),
                .updateOne(
                    filter: ["_id": "9"], update: ["$set": ["customer": "d", "priority": 0, "status": "new"]],
                    upsert: true),
                .replaceOne(
                    filter: ["_id": "2"],
                    replacement: Ticket(_id: "2", customer: "x", priority: 7, status: "replaced")),
                .deleteOne(filter: ["_id": "3"]),
            ])
            #expect(result.matchedCount == 4)
            #expect(result.modifiedCount == 4)
            #expect(result.deletedCount == 1)
            #expect(result.upsertedIds == [2: "9"])
            let all = try await tickets.find(sort: ["_id": 1])
            #expect(all.map(\._id) == ["1", "2", "9"])
            #expect(all.map(\.status) == ["closed", "replaced", "new"])
            #expect(all.map(\.priority) == [1, 7, 0])
        }
    }

    @Test("findOneAndUpdate returns the new document, or the old one, and upserts")
    func findOneAndUpdate() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.insert(Ticket(_id: "1", customer: "c", priority: 1, status: "open", attempts: 0))

            let after = try await tickets.findOneAndUpdate(filter: ["_id": "1"], update: ["$inc": ["attempts": 1]])
            #expect(after?.attempts == 1)
            let before = try await tickets.findOneAndUpdate(
                filter: ["_id": "1"], update: ["$inc": ["attempts": 1]], returnNew: false)
            #expect(before?.attempts == 1)
            let missing = try await tickets.findOneAndUpdate(filter: ["_id": "nope"], update: ["$set": ["status": "x"]])
            #expect(missing == nil)
            let upserted = try await tickets.findOneAndUpdate(
                filter: ["_id": "2"],
                update: ["$setOnInsert": ["customer": "d", "priority": 3, "status": "new"]],
                upsert: true)
            #expect(upserted == Ticket(_id: "2", customer: "d", priority: 3, status: "new"))
            #expect(try await tickets.count() == 2)
        }
    }

    @Test("updateMany, replaceOne and deletes report what they did")
    func updateManyAndDelete() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.insertMany(
                (1...5).map { Ticket(_id: "\($0)", customer: "c", priority: $0, status: "open") })
            let closed = try await tickets.updateMany(
                filter: ["priority": ["$lte": 2]], update: ["$set": ["status": "closed"]])
            #expect(closed.matchedCount == 2)
            #expect(closed.modifiedCount == 2)
            let replaced = try await tickets.replaceOne(
                filter: ["_id": "5"], replacement: Ticket(_id: "5", customer: "z", priority: 9, status: "moved"))
            #expect(replaced.modifiedCount == 1)
            #expect(try await tickets.findOne(["_id": "5"])?.customer == "z")
            #expect(try await tickets.deleteOne(["status": "closed"]) == 1)
            #expect(try await tickets.deleteMany(["status": "open"]) == 2)
            #expect(try await tickets.count() == 2)
            #expect(try await tickets.deleteMany([:]) == 2)
            #expect(try await tickets.count() == 0)
        }
    }

    @Test("a $set of an encoded struct stores it as a nested document")
    func setEncodedValue() async throws {
        try await withTestDatabase { client in
            struct Profile: Codable, Sendable, Equatable { var name: String; var since: Date; var big: Int64 }
            struct Customer: Codable, Sendable, Equatable { var _id: String; var profile: Profile }
            let customers = client.collection("customers", as: Customer.self)
            let profile = Profile(
                name: "Łukasz 🚀", since: Date(timeIntervalSince1970: 1_600_000_000.5), big: 1 << 60)
            try await customers.updateOne(
                filter: ["_id": "c-1"], update: ["$set": ["profile": try MongoValue(encoding: profile)]], upsert: true)
            #expect(try await customers.find() == [Customer(_id: "c-1", profile: profile)])
            #expect(try await customers.count(["profile.big": .int64(1 << 60)]) == 1)
        }
    }
}
