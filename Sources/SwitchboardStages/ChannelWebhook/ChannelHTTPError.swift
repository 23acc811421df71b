import Foundation
public import Hummingbird
import SwitchboardCore

/// A failure answered with a status and `{"error": "<reason>"}`. The reason is short and never contains
/// credentials or message bodies.
public struct ChannelHTTPError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let reason: String
    /// Seconds for `Retry-After` (429, 503).
    public let retryAfter: Int?

    public init(_ status: HTTPResponse.Status, _ reason: String, retryAfter: Int? = nil) {
        self.status = status
        self.reason = reason
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status.code) \(reason)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try ChannelJSON.response(status, ["error": reason])
        if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}

/// JSON responses of channel-webhook's API (snake_case keys written explicitly, sorted).
enum ChannelJSON {
    static func response(_ status: HTTPResponse.Status, _ body: some Encodable) throws -> Response {
        let encoder = SwitchboardJSON.makeEncoder()
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }
}
