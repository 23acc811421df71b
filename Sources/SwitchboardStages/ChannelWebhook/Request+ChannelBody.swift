import Hummingbird

extension Request {
    /// How long a client may take to send a request body. A client that trickles its body (or stops
    /// sending) would otherwise hold its connection and the handler's task forever.
    static let bodyReadTimeout: Duration = .seconds(30)

    /// The whole body of a channel request, up to `limit` bytes: 413 above it (at once when
    /// `Content-Length` says so, else while reading), 408 when it does not arrive within `timeout`, 400 when
    /// it cannot be read.
    func channelBody(
        upTo limit: Int, within timeout: Duration = bodyReadTimeout
    ) async throws(ChannelHTTPError)
        -> ByteBuffer
    {
        if let length = headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw ChannelHTTPError(.contentTooLarge, "request body is larger than \(limit) bytes")
        }
        let body = self.body
        let result: ByteBuffer??
        do {
            result = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await body.collect(upTo: limit) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next()
            }
        } catch {
            if (error as? any HTTPResponseError)?.status == .contentTooLarge {
                throw ChannelHTTPError(.contentTooLarge, "request body is larger than \(limit) bytes")
            }
            throw ChannelHTTPError(.badRequest, "request body could not be read")
        }
        guard let buffer = result ?? nil else {
            throw ChannelHTTPError(.requestTimeout, "request body did not arrive within \(timeout)")
        }
        return buffer
    }
}
