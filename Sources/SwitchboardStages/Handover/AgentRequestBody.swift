import Foundation
import Hummingbird
import SwitchboardCore

/// The JSON body of the agent API's handover routes: `{"agent_id"?, "text"?, "content"?, "client_message_id"?}`.
struct AgentRequestBody: Decodable, Sendable {
    var agentId: String?
    var text: String?
    /// Replies: rich content in the envelope's shape (`{"type": "media"|"location"|"choice"|"text", ...}`),
    /// in place of `text`.
    var content: Content?
    var clientMessageId: String?
    /// Transfers: the agent who takes over; absent or null: back to the queue.
    var toAgentId: String?
    /// Transfers: a note for whoever takes over.
    var note: String?

    enum CodingKeys: String, CodingKey {
        case text, note, content
        case agentId = "agent_id"
        case clientMessageId = "client_message_id"
        case toAgentId = "to_agent_id"
    }

    /// The longest transfer note, in characters.
    static let maximumNoteLength = 1000

    /// Reads and decodes the body; anything but a JSON object of strings is a 400.
    static func decode(_ request: Request) async throws -> AgentRequestBody {
        try await decodeJSON(AgentRequestBody.self, from: request)
    }

    /// Reads and decodes a JSON body of the agent API; anything but a JSON object of the expected types is a 400.
    static func decodeJSON<Body: Decodable>(_ type: Body.Type, from request: Request) async throws -> Body {
        let buffer: ByteBuffer
        do {
            // Within the same body-read timeout as every channel request (408 after it).
            buffer = try await request.channelBody(upTo: AgentAPI.maximumBodySize)
        } catch {
            if error.status == .requestTimeout { throw HandoverDeskError(.requestTimeout, error.reason) }
            throw HandoverDeskError(
                .badRequest, "request body is missing or larger than \(AgentAPI.maximumBodySize) bytes")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw HandoverDeskError(.badRequest, "\(path(context.codingPath)) has the wrong type")
        } catch let DecodingError.keyNotFound(key, context) where !context.codingPath.isEmpty {
            throw HandoverDeskError(.badRequest, "\(path(context.codingPath)) needs \(key.stringValue)")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            // The path, not the description: that may quote the value.
            throw HandoverDeskError(.badRequest, "\(path(context.codingPath)) is not valid")
        } catch {
            throw HandoverDeskError(.badRequest, "request body must be a JSON object")
        }
    }

    /// `content.options[1].title` for a coding path; `body` for the top level.
    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "body" : describeCodingPath(codingPath)
    }

    /// The body's `agent_id`, if it names one; who acts is decided by ``DeskPrincipal/actingAgent(named:)``.
    func validAgentId() throws -> String? {
        guard let agentId = agentId?.trimmingCharacters(in: .whitespaces), !agentId.isEmpty else { return nil }
        guard agentId.count <= 128 else { throw HandoverDeskError(.badRequest, "agent_id is too long") }
        return agentId
    }

    func requireText() throws -> String {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw HandoverDeskError(.badRequest, "text is required")
        }
        guard text.count <= AgentAPI.maximumTextLength else {
            throw HandoverDeskError(.badRequest, "text is longer than \(AgentAPI.maximumTextLength) characters")
        }
        return text
    }

    /// A reply's content: `text` as text, or `content` (text, media, a location or a choice; one of the two),
    /// its texts within ``AgentAPI/maximumTextLength``. Whether the customer's channel takes it is checked
    /// when the channel is known (``HandoverDesk/reply(tenantId:id:agentId:content:clientMessageId:)``).
    func requireContent() throws -> Content {
        guard let content else { return .text(try requireText()) }
        guard text == nil else { throw HandoverDeskError(.badRequest, "send text or content, not both") }
        let maximum = AgentAPI.maximumTextLength
        let texts: [String]
        switch content {
        case .text(let text): texts = [text]
        case .media(let media): texts = [media.reference, media.caption ?? "", media.fileName ?? ""]
        case .location(let location): texts = [location.name ?? "", location.address ?? ""]
        case .choice(let choice):
            texts =
                [choice.text, choice.button ?? ""] + choice.options.flatMap { [$0.id, $0.title, $0.description ?? ""] }
        case .interactive, .contact:
            throw HandoverDeskError(
                .badRequest, "content type \(content.typeName) cannot be sent; use text, media, location or choice")
        }
        guard texts.allSatisfy({ $0.count <= maximum }) else {
            throw HandoverDeskError(.badRequest, "content holds text longer than \(maximum) characters")
        }
        return content
    }

    func validTarget() throws -> String? {
        guard let toAgentId = toAgentId?.trimmingCharacters(in: .whitespaces), !toAgentId.isEmpty else { return nil }
        guard toAgentId.count <= 128 else { throw HandoverDeskError(.badRequest, "to_agent_id is too long") }
        return toAgentId
    }

    func validNote() throws -> String? {
        guard let note = note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty else { return nil }
        guard note.count <= Self.maximumNoteLength else {
            throw HandoverDeskError(.badRequest, "note is longer than \(Self.maximumNoteLength) characters")
        }
        return note
    }

    func validClientMessageId() throws -> String? {
        guard let clientMessageId else { return nil }
        guard !clientMessageId.isEmpty, clientMessageId.count <= 128 else {
            throw HandoverDeskError(.badRequest, "client_message_id must be 1 to 128 characters")
        }
        return clientMessageId
    }
}
