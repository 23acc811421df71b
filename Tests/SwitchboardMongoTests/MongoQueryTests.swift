import Foundation
import SwitchboardMongo
import Testing

@Suite("Queries against SecantusDB")
struct MongoQueryTests {
    private static let tickets = [
        Ticket(_id: "1", customer: "acme", priority: 3, status: "open"),
        Ticket(_id: "2", customer: "acme", priority: 1, status: "open"),
        Ticket(_id: "3", customer: "acme", priority: 2, status: "closed"),
        Ticket(_id: "4", customer: "globex", priority: 5, status: "open"),
        Ticket(_id: "5", customer: "acme", priority: 2, status: "open"),
    ]

    @Test("a find with a filter and a compound sort returns the matching documents in order")
    func findWithFilterAndSort() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.insertMany(Self.tickets)

            let open = try await tickets.find(
                ["customer": "acme", "status": "open"], sort: ["priority": -1, "_id": 1])
            #expect(open.map(\._id) == ["1", "5", "2"])

            let ranged = try await tickets.find(["priority": ["$gte": 2, "$lt": 5]], sort: ["priority": 1, "_id": -1])
            #expect(ranged.map(\._id) == ["5", "3", "1"])

            let page = try await tickets.find(sort: ["_id": 1], limit: 2, skip: 1)
            #expect(page.map(\._id) == ["2", "3"])

            let top = try await tickets.findOne(["status": "open"], sort: ["priority": -1])
            #expect(top?._id == "4")
            #expect(try await tickets.findOne(["customer": "initech"]) == nil)

            let inList = try await tickets.find(["_id": ["$in": ["2", "4", "404"]]], sort: ["_id": 1])
            #expect(inList.map(\._id) == ["2", "4"])
        }
    }

    @Test("count and distinct follow the filter")
    func countAndDistinct() async throws {
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.insertMany(Self.tickets)
            #expect(try await tickets.count() == 5)
            #expect(try await tickets.count(["customer": "acme"]) == 4)
            let customers = try await tickets.distinct("customer").compactMap(\.stringValue).sorted()
            #expect(customers == ["acme", "globex"])
            let priorities = try await tickets.distinct("priority", filter: ["status": "open"]).compactMap(\.intValue)
            #expect(priorities.sorted() == [1, 2, 3, 5])
        }
    }

    @Test("an aggregation groups and sorts on the server")
    func aggregate() async throws {
        struct Total: Decodable, Sendable, Equatable { var _id: String; var total: Int; var tickets: Int }
        try await withTestDatabase { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await tickets.insertMany(Self.tickets)
            let totals = try await tickets.aggregate(
                [
                    ["$match": ["status": "open"]],
                    ["$group": ["_id": "$customer", "total": ["$sum": "$priority"], "tickets": ["$sum": 1]]],
                    ["$sort": ["total": -1]],
                ],
                as: Total.self)
            #expect(totals == [Total(_id: "acme", total: 6, tickets: 3), Total(_id: "globex", total: 5, tickets: 1)])
        }
    }

    @Test("dates compare as dates in filters")
    func dateFilter() async throws {
        try await withTestDatabase { client in
            let notes = client.collection("notes", as: Note.self)
            let base = Date(timeIntervalSince1970: 1_700_000_000)
            try await notes.insertMany((0..<5).map { Note(text: "n\($0)", at: base + Double($0) * 60) })
            let recent = try await notes.find(["at": ["$gte": .date(base + 120)]], sort: ["at": -1])
            #expect(recent.map(\.text) == ["n4", "n3", "n2"])
        }
    }

    @Test("concurrent calls share the pool without blocking each other")
    func concurrentCalls() async throws {
        try await withTestDatabase(poolSize: 4) { client in
            let tickets = client.collection("tickets", as: Ticket.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        try await tickets.insert(
                            Ticket(_id: "\(index)", customer: "c", priority: index, status: "open"))
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await tickets.count() == 64)
        }
    }
}
