import Hummingbird

extension Request {
    /// The whole body of a channel request, up to `limit` bytes: 413 above it (at once when
    /// `Content-Length` says so, else while reading), 400 when it cannot be read.
    func channelBody(upTo limit: Int) async throws(ChannelHTTPError) -> ByteBuffer {
        if let length = headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw ChannelHTTPError(.contentTooLarge, "request body is larger than \(limit) bytes")
        }
        do {
            return try await body.collect(upTo: limit)
        } catch {
            if (error as? any HTTPResponseError)?.status == .contentTooLarge {
                throw ChannelHTTPError(.contentTooLarge, "request body is larger than \(limit) bytes")
            }
            throw ChannelHTTPError(.badRequest, "request body could not be read")
        }
    }
}
