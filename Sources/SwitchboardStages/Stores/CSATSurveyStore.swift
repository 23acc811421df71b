public import Foundation
import SwitchboardCore
import SwitchboardMongo

/// A satisfaction survey sent to a customer and not answered yet: one per customer (a newer survey replaces
/// it), in `csat_surveys` under the tenant and customer. The first message the customer writes after it
/// takes it (`answer_message_id`), whatever the message says, so only that message can be the answer, also
/// when it comes again.
public struct CSATSurvey: Sendable, Hashable, Codable {
    public var id: String
    public var tenantId: String
    public var customerId: String
    /// The session asked about.
    public var sessionId: String
    /// The agent who resolved it, after a hand-over.
    public var agentId: String?
    public var sentAt: Date
    /// The message that took the survey.
    public var answerMessageId: String?

    public init(tenantId: String, customerId: String, sessionId: String, agentId: String?, sentAt: Date) {
        self.id = Self.key(tenantId: tenantId, customerId: customerId)
        self.tenantId = tenantId
        self.customerId = customerId
        self.sessionId = sessionId
        self.agentId = agentId
        self.sentAt = sentAt
    }

    /// The document id of a customer's survey.
    public static func key(tenantId: String, customerId: String) -> String { "\(tenantId)|\(customerId)" }

    /// Whether the message `messageId` received at `receivedAt` is the survey's answer (or may take it).
    public func isTakenBy(messageId: String, receivedAt: Date) -> Bool {
        guard receivedAt >= sentAt else { return false }
        return answerMessageId == nil || answerMessageId == messageId
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case tenantId = "tenant_id"
        case customerId = "customer_id"
        case sessionId = "session_id"
        case agentId = "agent_id"
        case sentAt = "sent_at"
        case answerMessageId = "answer_message_id"
    }
}

/// The surveys waiting for an answer.
public struct CSATSurveyStore: Sendable {
    private let surveys: MongoCollection<CSATSurvey>

    init(client: MongoClient) {
        surveys = client.collection("csat_surveys")
    }

    /// Records a survey sent, replacing the customer's earlier one.
    public func put(_ survey: CSATSurvey) async throws {
        try await surveys.replaceOne(filter: ["_id": .string(survey.id)], replacement: survey, upsert: true)
    }

    /// The surveys of these customers (by ``CSATSurvey/key(tenantId:customerId:)``).
    public func surveys(keys: [String]) async throws -> [String: CSATSurvey] {
        guard !keys.isEmpty else { return [:] }
        let found = try await surveys.find(["_id": ["$in": .array(keys.map(MongoValue.string))]])
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Marks each survey (by key) taken by its message, unless another message took it first.
    public func take(_ answers: [String: String]) async throws {
        try await surveys.bulkWrite(
            answers.sorted { $0.key < $1.key }.map { key, messageId in
                .updateOne(
                    filter: ["_id": .string(key), "answer_message_id": ["$exists": false]],
                    update: ["$set": ["answer_message_id": .string(messageId)]])
            }, ordered: false)
    }
}
