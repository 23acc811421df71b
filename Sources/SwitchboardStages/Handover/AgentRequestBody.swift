import Foundation
import Hummingbird

/// The JSON body of the agent API's POST routes: `{"agent_id", "text"?, "client_message_id"?}`.
struct AgentRequestBody: Decodable, Sendable {
    var agentId: String?
    var text: String?
    var clientMessageId: String?

    enum CodingKeys: String, CodingKey {
        case text
        case agentId = "agent_id"
        case clientMessageId = "client_message_id"
    }

    /// Reads and decodes the body; anything but a JSON object of strings is a 400.
    static func decode(_ request: Request) async throws -> AgentRequestBody {
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
            return try JSONDecoder().decode(AgentRequestBody.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.first?.stringValue ?? "body"
            throw HandoverDeskError(.badRequest, "\(field) must be a string")
        } catch {
            throw HandoverDeskError(.badRequest, "request body must be a JSON object")
        }
    }

    func requireAgentId() throws -> String {
        guard let agentId = agentId?.trimmingCharacters(in: .whitespaces), !agentId.isEmpty else {
            throw HandoverDeskError(.badRequest, "agent_id is required")
        }
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

    func validClientMessageId() throws -> String? {
        guard let clientMessageId else { return nil }
        guard !clientMessageId.isEmpty, clientMessageId.count <= 128 else {
            throw HandoverDeskError(.badRequest, "client_message_id must be 1 to 128 characters")
        }
        return clientMessageId
    }
}
