/// Sends one provider request for a channel account: refused while the account's circuit is open, paced by
/// the account's rate limits, retried per the policy. Every provider adapter sends through one of these, so
/// the circuit breaker sees the same failures (429, 5xx, timeouts) whatever the provider.
struct ProviderSender: Sendable {
    /// A rate limiter and the key it paces this request under.
    struct Limit: Sendable {
        var limiter: RateLimiter
        var key: String
    }

    var http: ProviderHTTPClient
    var retry: RetryPolicy
    var breaker: CircuitBreaker

    /// Sends `request` for `account` (the circuit's key, e.g. `telegram:<tenant>`; it appears in failure
    /// reasons, so never a credential). `step` says what an answer means: `.retry` counts against the
    /// circuit, `.done` (success or a refusal of this message alone) closes it.
    func send(
        _ request: ProviderHTTPRequest, account: String, limits: [Limit],
        step: (ProviderHTTPResponse) -> RetryPolicy.Step<DeliveryOutcome>
    ) async -> DeliveryOutcome {
        await retry.run { (_: Int) -> RetryPolicy.Step<DeliveryOutcome> in
            // Limits first: a probe the breaker lets through must reach the provider, or the half-open
            // circuit would wait for an answer that never comes.
            do {
                for limit in limits { try await limit.limiter.acquire(limit.key) }
            } catch {
                return .done(.retriableFailure(reason: "cancelled while rate limited"))
            }
            if case .reject(let wait) = breaker.request(account) {
                return .done(.retriableFailure(reason: "circuit open for \(account), retry in \(wait)"))
            }
            let response: ProviderHTTPResponse
            do {
                response = try await http.send(request)
            } catch {
                breaker.recordFailure(account)
                return .retry(.retriableFailure(reason: String(describing: error)), retryAfter: nil)
            }
            let result = step(response)
            switch result {
            case .retry: breaker.recordFailure(account)
            case .done: breaker.recordSuccess(account)
            }
            return result
        }
    }
}
