import Foundation
import NIOCore

/// Web chat messages to `POST /api/v1/messages` from visitors with fixed ids (`bench-<run>-<n>`), so a
/// visitor's later messages reuse its profile and session. No conversation is named: a named one needs its
/// visitor token from the second message on, and the load does not read answers before sending on (open
/// loop); each message gets a conversation derived from its client message id, while profile and session,
/// which the pipeline's cost depends on, are the visitor's.
struct WebChatLoad: Sendable {
    /// What one request saw.
    struct Answer: Sendable {
        /// When the message was meant to be sent (closed loop: when it was; open loop: its slot).
        var sentAt: Date
        /// From `sentAt` to the complete HTTP answer.
        var milliseconds: Double
        /// 0 when the request failed before an answer.
        var status: Int
        /// The envelope id channel-webhook answered with.
        var messageId: String?
        var failure: String?
    }

    var apiKey: String
    var run: String
    var wall: WallClock

    /// Texts the demo bot answers with confidence (a low-confidence text would hand the visitor to a person
    /// and stop the bot's replies to it).
    private static let texts = [
        "hi there", "what are your opening hours", "where is my order?", "has my order shipped yet",
        "thanks a lot", "are you open on sunday", "good morning", "track my order",
    ]

    /// The request for visitor `visitor`'s message number `sequence`, meant to leave at `due`.
    func job(
        visitor: Int, sequence: Int, due: ContinuousClock.Instant, host: String,
        answered: @escaping @Sendable (Answer) -> Void
    ) -> HTTPJob {
        let user = "bench-\(run)-\(visitor)"
        let fields: [String: String] = [
            "user_id": user, "message": Self.texts[(visitor + sequence) % Self.texts.count],
            "client_message_id": "\(user)-\(sequence)",
        ]
        let body = (try? JSONSerialization.data(withJSONObject: fields)) ?? Data()
        let sentAt = wall.date(due)
        return HTTPJob.post(
            "/api/v1/messages", host: host,
            headers: [("Authorization", "Bearer \(apiKey)"), ("Content-Type", "application/json")],
            body: ByteBuffer(bytes: body)
        ) { http in
            let json = (try? JSONSerialization.jsonObject(with: Data(buffer: http.body))) as? [String: Any]
            let failure =
                http.failure ?? ((200..<300).contains(http.status) ? nil : String(http.bodyText.prefix(200)))
            answered(
                Answer(
                    sentAt: sentAt, milliseconds: WallClock.milliseconds(http.answeredAt - due), status: http.status,
                    messageId: json?["message_id"] as? String, failure: failure))
        }
    }

    /// Closed loop: `customers` visitors share `messages` messages (as evenly as they divide); `concurrency`
    /// visitors are in flight at once, each sending its next message when the previous one is answered.
    func closedLoop(
        pool: HTTPPool, customers: Int, messages: Int, concurrency: Int,
        answered: @escaping @Sendable (Answer) -> Void
    ) async {
        let nextVisitor = SharedCounter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<min(concurrency, customers) {
                group.addTask {
                    while true {
                        let visitor = nextVisitor.next()
                        guard visitor < customers else { return }
                        let count = messages / customers + (visitor < messages % customers ? 1 : 0)
                        for sequence in 0..<count {
                            let answer = await withCheckedContinuation { continuation in
                                pool.submit(
                                    job(visitor: visitor, sequence: sequence, due: wall.now, host: pool.authority) {
                                        continuation.resume(returning: $0)
                                    })
                            }
                            answered(answer)
                        }
                    }
                }
            }
        }
    }
}
