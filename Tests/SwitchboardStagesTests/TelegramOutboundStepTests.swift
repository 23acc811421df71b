import Foundation
import SwitchboardCore
import Testing

@testable import SwitchboardStages

/// How each Bot API answer in the shared exchange fixture is classified, without a server.
@Suite("Telegram sendMessage answers")
struct TelegramOutboundStepTests {
    func responses() throws -> [String: String] {
        let exchange = try TelegramFixture.json("send_message_exchange.json")
        return try #require(exchange["responses"] as? [String: String])
    }

    func step(_ status: Int, _ body: String) -> RetryPolicy.Step<DeliveryOutcome> {
        TelegramOutbound.step(for: ProviderHTTPResponse(status: status, body: Array(body.utf8)))
    }

    @Test func successIsSentWithTheMessageId() throws {
        guard case .done(let outcome) = step(200, try #require(try responses()["success_http_200"])) else {
            Issue.record("expected done")
            return
        }
        #expect(outcome == .sent(providerMessageId: "133"))
    }

    @Test func rateLimitRetriesAfterTheGivenSeconds() throws {
        guard case .retry(let outcome, let wait) = step(429, try #require(try responses()["rate_limited_http_429"]))
        else {
            Issue.record("expected retry")
            return
        }
        #expect(wait == .seconds(30))
        #expect(outcome == .retriableFailure(reason: "Too Many Requests: retry after 30"))
    }

    @Test func blockedIsPermanentWithTheDescription() throws {
        guard case .done(let outcome) = step(403, try #require(try responses()["blocked_by_user_http_403"])) else {
            Issue.record("expected done")
            return
        }
        #expect(outcome == .permanentFailure(reason: "Forbidden: bot was blocked by the user"))
    }

    @Test func serverErrorsAreRetriable() {
        guard case .retry(let outcome, nil) = step(502, "<html>Bad Gateway</html>") else {
            Issue.record("expected retry")
            return
        }
        #expect(outcome == .retriableFailure(reason: "telegram answered 502"))
    }
}
