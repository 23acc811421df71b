import Foundation
import SwitchboardCore

/// Sends one Graph API request (WhatsApp Cloud API, Messenger Send API) with rate limiting, a circuit
/// breaker per account and retries, and maps the answer to a ``DeliveryOutcome``.
struct MetaGraphSender: Sendable {
    var http: ProviderHTTPClient
    var retry: RetryPolicy
    var breaker: CircuitBreaker
    var limiter: RateLimiter

    /// Posts `request`; `messageId` picks the provider message id out of a 2xx body.
    func send(
        _ request: ProviderHTTPRequest, account: String, messageId: @Sendable ([UInt8]) -> String?
    ) async -> DeliveryOutcome {
        await retry.run { (_: Int) -> RetryPolicy.Step<DeliveryOutcome> in
            if case .reject(let wait) = breaker.request(account) {
                return .done(.retriableFailure(reason: "circuit open for \(account), retry in \(wait)"))
            }
            do {
                try await limiter.acquire(account)
            } catch {
                return .done(.retriableFailure(reason: "cancelled while rate limited"))
            }
            let response: ProviderHTTPResponse
            do {
                response = try await http.send(request)
            } catch {
                breaker.recordFailure(account)
                return .retry(.retriableFailure(reason: String(describing: error)), retryAfter: nil)
            }
            if response.isSuccess {
                breaker.recordSuccess(account)
                guard let id = messageId(response.body) else {
                    return .done(.permanentFailure(reason: "provider answered \(response.status) without a message id"))
                }
                return .done(.sent(providerMessageId: id))
            }
            let reason = Self.errorReason(response)
            if RetryPolicy.isRetriable(status: response.status) {
                breaker.recordFailure(account)
                return .retry(.retriableFailure(reason: reason), retryAfter: response.retryAfter)
            }
            breaker.recordSuccess(account)
            return .done(.permanentFailure(reason: reason))
        }
    }

    private struct GraphErrorBody: Decodable {
        struct GraphError: Decodable {
            var message: String?
            var code: Int?
            var error_subcode: Int?
        }
        var error: GraphError?
    }

    /// `<message> (code <code>)` from Graph's `{"error": {...}}`, else the HTTP status.
    static func errorReason(_ response: ProviderHTTPResponse) -> String {
        guard let body = try? JSONDecoder().decode(GraphErrorBody.self, from: Data(response.body)),
            let error = body.error, let message = error.message
        else { return "HTTP \(response.status)" }
        var reason = message
        if let code = error.code { reason += " (code \(code))" }
        return reason
    }
}
