public import SwitchboardCore
import SwitchboardMongo

/// Where the bot keeps a session's form state: on the session record.
public protocol FormStoring: Sendable {
    /// The session's form state, if it has one.
    func formState(sessionId: String) async throws -> FormState?
    /// Stores the session's form state. Throws when the session record is not there (yet): the message is
    /// handled again.
    func saveFormState(_ state: FormState, sessionId: String) async throws
}

/// The session record the bot writes its form state on is missing.
public struct SessionRecordMissing: Error, Sendable, CustomStringConvertible {
    public var sessionId: String
    public var description: String { "no session record \(sessionId) to keep the form state on" }
}

extension SessionStore: FormStoring {
    private struct FormField: Decodable, Sendable {
        var form: FormState?
    }

    public func formState(sessionId: String) async throws -> FormState? {
        try await sessions.find(["_id": .string(sessionId)], projection: ["form": 1], as: FormField.self).first?.form
    }

    public func saveFormState(_ state: FormState, sessionId: String) async throws {
        // Only the `form` field: the session stage's own writes ($setOnInsert, $max, status) leave it alone.
        let result = try await sessions.updateOne(
            filter: ["_id": .string(sessionId)], update: ["$set": ["form": try MongoValue(encoding: state)]])
        guard result.matchedCount > 0 else { throw SessionRecordMissing(sessionId: sessionId) }
    }
}
