import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends web chat messages to `POST /api/v1/messages` as distinct visitors, a bounded number at a time.
struct WebChatLoad: Sendable {
    /// What one request saw.
    struct Answer: Sendable {
        var index: Int
        /// When the request was sent (wall clock, to compare with the stored reply's `created_at`).
        var sentAt: Date
        /// From sending to the complete HTTP answer.
        var milliseconds: Double
        /// 0 when the request failed before an answer.
        var status: Int
        /// The envelope id channel-webhook answered with.
        var messageId: String?
        var failure: String?
    }

    var base: String
    var apiKey: String
    var run: String
    var concurrency: Int

    private static let texts = [
        "hi there", "what are your opening hours", "where is my order?", "has my order shipped yet",
        "thanks a lot", "are you open on sunday", "good morning", "track my order",
    ]

    /// Sends `count` messages, `concurrency` at a time, calling `answered` as each answer arrives.
    func send(count: Int, answered: @escaping @Sendable (Answer) -> Void) async {
        let configuration = URLSessionConfiguration.default
        configuration.httpMaximumConnectionsPerHost = concurrency
        configuration.timeoutIntervalForRequest = 60
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func startOne() {
                let index = next
                next += 1
                group.addTask { answered(await self.post(index, session: session)) }
            }
            while next < min(count, concurrency) { startOne() }
            while await group.next() != nil {
                if next < count { startOne() }
            }
        }
    }

    private func post(_ index: Int, session: URLSession) async -> Answer {
        let user = "bench-\(run)-\(index)"
        let body: [String: String] = [
            "user_id": user, "conversation_id": user, "message": Self.texts[index % Self.texts.count],
            "client_message_id": "\(user)-1",
        ]
        var request = URLRequest(url: URL(string: base + "/api/v1/messages")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try? JSONSerialization.data(withJSONObject: body)
        let sentAt = Date()
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let (data, response) = try await session.data(for: request)
            let elapsed = Stopwatch.nanoseconds(clock.now - start) / 1e6
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let failure = (200..<300).contains(status) ? nil : String(decoding: data.prefix(200), as: UTF8.self)
            return Answer(
                index: index, sentAt: sentAt, milliseconds: elapsed, status: status,
                messageId: json?["message_id"] as? String, failure: failure)
        } catch {
            return Answer(
                index: index, sentAt: sentAt, milliseconds: Stopwatch.nanoseconds(clock.now - start) / 1e6,
                status: 0, messageId: nil, failure: error.localizedDescription)
        }
    }
}
