import Foundation
import SwitchboardCore
import Testing

@testable import SwitchboardStages

/// How Messages answers are classified, without a server.
@Suite("Twilio Messages answers")
struct TwilioOutboundStepTests {
    func step(_ status: Int, _ body: [UInt8], headers: [String: String] = [:]) -> RetryPolicy.Step<DeliveryOutcome> {
        TwilioOutbound.step(for: ProviderHTTPResponse(status: status, headers: headers, body: body))
    }

    @Test func createdIsSentWithTheSid() throws {
        guard case .done(let outcome) = step(201, try TwilioFixture.bytes("send_message_response.json")) else {
            Issue.record("expected done")
            return
        }
        #expect(outcome == .sent(providerMessageId: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
    }

    @Test func clientErrorsArePermanentWithTwiliosCodeAndMessage() {
        let body = #"{"code": 21211, "message": "The 'To' number +1555 is not a valid phone number.", "status": 400}"#
        guard case .done(let outcome) = step(400, Array(body.utf8)) else {
            Issue.record("expected done")
            return
        }
        #expect(
            outcome
                == .permanentFailure(
                    reason: "twilio answered 400 (error 21211): The 'To' number +1555 is not a valid phone number."))
    }

    @Test func rateLimitsAndServerErrorsAreRetriable() {
        let body = #"{"code": 20429, "message": "Too Many Requests", "status": 429}"#
        guard case .retry(let limited, let wait) = step(429, Array(body.utf8), headers: ["Retry-After": "2"]) else {
            Issue.record("expected retry")
            return
        }
        #expect(wait == .seconds(2))
        #expect(limited == .retriableFailure(reason: "twilio answered 429 (error 20429): Too Many Requests"))
        guard case .retry(let failed, nil) = step(503, []) else {
            Issue.record("expected retry")
            return
        }
        #expect(failed == .retriableFailure(reason: "twilio answered 503"))
    }
}
