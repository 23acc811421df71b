import Foundation
import HTTPTypes
import Hummingbird
import SwitchboardCore

extension AgentAPI {
    /// Where the desk reads a message's stored media: `GET /api/v1/agent/media/{id}`, with `id` the message's
    /// `media_status.id`. Another tenant's media is "not found", as an unknown id. The answer carries the
    /// stored type and length, `Content-Disposition` with a sanitised file name (`inline` for images, else
    /// `attachment`), `X-Content-Type-Options: nosniff`, and for anything but an image a `Content-Security-Policy`
    /// that lets nothing in it run.
    public static let mediaPath = "/api/v1/agent/media"

    func addMediaRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get(RouterPath(Self.mediaPath + "/{id}")) { request, context in
            await respond(request) { caller in
                guard let media else { return .error(.serviceUnavailable, "media is not available here") }
                guard let id = context.parameters.get("id"), id.count <= 64,
                    id.allSatisfy({ $0.isASCII && $0.isHexDigit })
                else { throw HandoverDeskError(.badRequest, "media id is invalid") }
                guard let file = try await media.file(id: id.lowercased(), tenantId: caller.tenantId) else {
                    throw HandoverDeskError(.notFound, "no such media")
                }
                let bytes = try await media.contents(of: file)
                return Self.mediaResponse(file, bytes: bytes)
            }
        }
    }

    /// The response serving `file`'s bytes.
    static func mediaResponse(_ file: MediaStore.StoredFile, bytes: [UInt8]) -> Response {
        let type = MediaPolicy.normalized(file.metadata.content_type) ?? "application/octet-stream"
        let isImage = type.hasPrefix("image/") && type != "image/svg+xml"
        var name = MediaFileName.sanitised(file.filename)
        if name.isEmpty { name = "media" }
        var headers: HTTPFields = [
            .contentType: type,
            .contentLength: String(bytes.count),
            .contentDisposition: "\(isImage ? "inline" : "attachment"); filename=\"\(name)\"",
            .cacheControl: "private, max-age=300",
        ]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        if !isImage {
            headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
