import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardMongo

extension AgentAPI {
    /// Maps a failure to its status; unexpected ones become a 500 and a log line.
    func failureResponse(_ error: any Error, request: Request, tenant: String) -> Response {
        switch error {
        case let refusal as HandoverDeskError:
            return .error(Self.status(of: refusal.kind), refusal.reason)
        case let refusal as DeskPermissionError:
            return .error(refusal == .agentRequired ? .badRequest : .forbidden, refusal.description)
        case let refusal as DeskAccountError:
            var response = Response.error(Self.status(of: refusal.kind), refusal.reason)
            if let until = refusal.retryAfter {
                response.headers[.retryAfter] = "\(max(1, Int(until.timeIntervalSinceNow.rounded(.up))))"
            }
            return response
        case let error as MongoError where error.isRetriable:
            logger.warning(
                "Database unavailable",
                metadata: ["route": "\(request.uri.path)", "tenant": "\(tenant)", "error": "\(error)"])
            return .error(.serviceUnavailable, "the database is unavailable; try again")
        case let error as any HTTPResponseError:
            return .error(error.status, error.status.reasonPhrase.lowercased())
        default:
            logger.error(
                "Agent API request failed",
                metadata: ["route": "\(request.uri.path)", "tenant": "\(tenant)", "error": "\(error)"])
            return .error(.internalServerError, "internal error")
        }
    }

    static func status(of kind: DeskAccountError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .invalid: .badRequest
        case .exists: .conflict
        case .notFound: .notFound
        case .badCredentials: .unauthorized
        case .locked: .tooManyRequests
        case .busy: .serviceUnavailable
        default: .internalServerError
        }
    }

    static func status(of kind: HandoverDeskError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .notFound: .notFound
        case .conflict: .conflict
        case .requestTimeout: .requestTimeout
        case .unavailable: .serviceUnavailable
        default: .internalServerError
        }
    }
}

/// `GET /api/v1/agent/handovers`.
struct HandoverList: Encodable {
    var handovers: [HandoverSummary]
}

/// `GET /api/v1/agent/handovers/{id}/messages`.
struct MessageList: Encodable {
    var messages: [MessageView]
}

/// `POST /api/v1/agent/handovers/{id}/reply`.
struct ReplyAccepted: Encodable {
    var messageId: String

    enum CodingKeys: String, CodingKey {
        case messageId = "message_id"
    }
}

/// `{"sent": true|false}`: whether a typing indicator was produced.
struct TypingAccepted: Encodable {
    var sent: Bool
}

/// `{"error": "..."}`.
private struct ErrorBody: Encodable {
    var error: String
}

extension Response {
    /// A JSON response in Switchboard's JSON conventions.
    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        do {
            let data = try SwitchboardJSON.makeEncoder().encode(value)
            return Response(
                status: status,
                headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            return .error(.internalServerError, "internal error")
        }
    }

    /// `{"error": reason}` with `status`.
    static func error(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        let data = (try? SwitchboardJSON.makeEncoder().encode(ErrorBody(error: reason))) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
