import Foundation
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// A clock tests move by hand; sleeping advances it.
final class ProvidersTestClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    private let slept = Mutex<[Duration]>([])

    var now: ContinuousClock.Instant { instant.withLock { $0 } }
    var sleeps: [Duration] { slept.withLock { $0 } }

    func advance(_ duration: Duration) { instant.withLock { $0 = $0.advanced(by: duration) } }

    func sleep(_ duration: Duration) {
        slept.withLock { $0.append(duration) }
        advance(duration)
    }
}

@Suite("Retry policy")
struct ProvidersRetryPolicyTests {
    private func policy(random: Double = 0.5, maxAttempts: Int = 4, clock: ProvidersTestClock) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts, baseDelay: .seconds(1), maxDelay: .seconds(10), random: { random },
            sleep: { clock.sleep($0) })
    }

    @Test func backoffIsFullJitterUnderADoublingCeiling() {
        let clock = ProvidersTestClock()
        let half = policy(clock: clock)
        #expect(half.delay(afterAttempt: 1, retryAfter: nil) == .milliseconds(500))
        #expect(half.delay(afterAttempt: 2, retryAfter: nil) == .seconds(1))
        #expect(half.delay(afterAttempt: 3, retryAfter: nil) == .seconds(2))
        #expect(half.delay(afterAttempt: 6, retryAfter: nil) == .seconds(5))  // capped at maxDelay 10 s
        #expect(policy(random: 0, clock: clock).delay(afterAttempt: 3, retryAfter: nil) == .zero)
        #expect(policy(random: 1, clock: clock).delay(afterAttempt: 3, retryAfter: nil) == .seconds(4))
    }

    @Test func retryAfterOverridesTheBackoffUnlessItIsTooLong() {
        let clock = ProvidersTestClock()
        let policy = policy(clock: clock)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(7)) == .seconds(7))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(11)) == nil)
        #expect(RetryPolicy.retryAfter(header: "3") == .seconds(3))
        #expect(RetryPolicy.retryAfter(header: " 1.5 ") == .milliseconds(1500))
        #expect(RetryPolicy.retryAfter(header: "Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        // Numbers no server should send are a wait too long to honour, never a crash.
        for huge in ["inf", "1e300", "99999999999999999999"] {
            #expect(RetryPolicy.retryAfter(header: huge) == .seconds(1_000_000_000), "\(huge)")
            #expect(policy.delay(afterAttempt: 1, retryAfter: RetryPolicy.retryAfter(header: huge)) == nil)
        }
        #expect(RetryPolicy.retryAfter(header: "nan") == nil)
        #expect(RetryPolicy.retryAfter(header: "-1") == nil)
        #expect(RetryPolicy.retryAfter(header: nil) == nil)
    }

    @Test func retriableStatuses() {
        #expect(RetryPolicy.isRetriable(status: 429))
        #expect(RetryPolicy.isRetriable(status: 500))
        #expect(RetryPolicy.isRetriable(status: 503))
        #expect(RetryPolicy.isRetriable(status: 408))
        #expect(!RetryPolicy.isRetriable(status: 400))
        #expect(!RetryPolicy.isRetriable(status: 401))
        #expect(!RetryPolicy.isRetriable(status: 404))
    }

    @Test func runRetriesUntilDoneAndSleepsBetween() async {
        let clock = ProvidersTestClock()
        let attempts = Mutex<[Int]>([])
        let result = await policy(clock: clock).run { (attempt: Int) -> RetryPolicy.Step<String> in
            attempts.withLock { $0.append(attempt) }
            return attempt < 3 ? .retry("failed \(attempt)", retryAfter: attempt == 1 ? .seconds(2) : nil) : .done("ok")
        }
        #expect(result == "ok")
        #expect(attempts.withLock { $0 } == [1, 2, 3])
        #expect(clock.sleeps == [.seconds(2), .seconds(1)])
    }

    @Test func runGivesUpAfterMaxAttemptsWithTheLastValue() async {
        let clock = ProvidersTestClock()
        let count = Mutex(0)
        let result = await policy(maxAttempts: 3, clock: clock).run { (attempt: Int) -> RetryPolicy.Step<Int> in
            count.withLock { $0 += 1 }
            return .retry(attempt, retryAfter: nil)
        }
        #expect(result == 3)
        #expect(count.withLock { $0 } == 3)
        #expect(clock.sleeps.count == 2)
    }

    @Test func runStopsWhenTheProviderAsksForTooLong() async {
        let clock = ProvidersTestClock()
        let result = await policy(clock: clock).run { (attempt: Int) -> RetryPolicy.Step<Int> in
            .retry(attempt, retryAfter: .seconds(60))
        }
        #expect(result == 1)
        #expect(clock.sleeps.isEmpty)
    }
}

@Suite("Circuit breaker")
struct ProvidersCircuitBreakerTests {
    @Test func opensAfterThresholdThenHalfOpensAfterCoolDown() {
        let start = ContinuousClock.now
        var state = CircuitBreakerState(failureThreshold: 3, coolDown: .seconds(30))
        #expect(state.request(now: start) == .allow)
        state.recordFailure(now: start)
        state.recordFailure(now: start)
        #expect(state.phase == .closed(consecutiveFailures: 2))
        state.recordFailure(now: start)
        #expect(state.phase == .open(until: start.advanced(by: .seconds(30))))
        #expect(state.request(now: start.advanced(by: .seconds(10))) == .reject(retryAfter: .seconds(20)))
        // Cool-down over: one probe passes, a second concurrent one does not.
        #expect(state.request(now: start.advanced(by: .seconds(30))) == .allow)
        #expect(state.phase == .halfOpen(probeInFlight: true))
        #expect(state.request(now: start.advanced(by: .seconds(30))) == .reject(retryAfter: .seconds(30)))
        state.recordSuccess()
        #expect(state.phase == .closed(consecutiveFailures: 0))
    }

    @Test func aFailedProbeReopens() {
        let start = ContinuousClock.now
        var state = CircuitBreakerState(failureThreshold: 1, coolDown: .seconds(5))
        state.recordFailure(now: start)
        #expect(state.request(now: start.advanced(by: .seconds(5))) == .allow)
        state.recordFailure(now: start.advanced(by: .seconds(6)))
        #expect(state.phase == .open(until: start.advanced(by: .seconds(11))))
    }

    @Test func aSuccessResetsTheFailureCount() {
        let start = ContinuousClock.now
        var state = CircuitBreakerState(failureThreshold: 2, coolDown: .seconds(5))
        state.recordFailure(now: start)
        state.recordSuccess()
        state.recordFailure(now: start)
        #expect(state.phase == .closed(consecutiveFailures: 1))
    }

    @Test func breakersAreKeptPerKey() {
        let clock = ProvidersTestClock()
        let breaker = CircuitBreaker(failureThreshold: 2, coolDown: .seconds(10), now: { clock.now })
        breaker.recordFailure("whatsapp:1")
        breaker.recordFailure("whatsapp:1")
        #expect(breaker.request("whatsapp:1") == .reject(retryAfter: .seconds(10)))
        #expect(breaker.request("whatsapp:2") == .allow)
        clock.advance(.seconds(10))
        #expect(breaker.request("whatsapp:1") == .allow)
        breaker.recordSuccess("whatsapp:1")
        #expect(breaker.phase("whatsapp:1") == .closed(consecutiveFailures: 0))
    }
}

@Suite("Rate limiter")
struct ProvidersRateLimiterTests {
    @Test func burstPassesThenCallersWaitInTurn() async throws {
        let clock = ProvidersTestClock()
        let limiter = RateLimiter(rate: 2, burst: 2, now: { clock.now }, sleep: { clock.sleep($0) })
        try await limiter.acquire("phone-1")
        try await limiter.acquire("phone-1")
        #expect(clock.sleeps.isEmpty)
        try await limiter.acquire("phone-1")
        #expect(clock.sleeps == [.milliseconds(500)])
        try await limiter.acquire("phone-1")
        #expect(clock.sleeps == [.milliseconds(500), .milliseconds(500)])
        // Another key has its own bucket.
        try await limiter.acquire("phone-2")
        #expect(clock.sleeps.count == 2)
    }

    @Test func tokensRefillOverTimeUpToTheBurst() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 1, burst: 1, now: start)
        #expect(bucket.reserve(now: start) == .zero)
        #expect(bucket.reserve(now: start) == .seconds(1))
        // Two reservations outstanding; after 10 s the bucket holds at most one token.
        #expect(bucket.reserve(now: start.advanced(by: .seconds(10))) == .zero)
        #expect(bucket.reserve(now: start.advanced(by: .seconds(10))) == .seconds(1))
    }
}

@Suite("Text splitter")
struct ProvidersTextSplitterTests {
    @Test func shortTextIsOnePart() {
        #expect(TextSplitter(limit: 10).split("hello") == ["hello"])
        #expect(TextSplitter(limit: 10).split("") == [""])
    }

    @Test func splitsOnWordBoundaries() {
        let parts = TextSplitter(limit: 11).split("hello there general kenobi")
        #expect(parts == ["hello there", "general", "kenobi"])
        #expect(parts.allSatisfy { $0.count <= 11 })
    }

    @Test func longWordsAreCutAtTheLimit() {
        #expect(TextSplitter(limit: 4).split("abcdefghij xy") == ["abcd", "efgh", "ij", "xy"])
    }

    @Test func neverBreaksAGrapheme() {
        let family = "👨‍👩‍👧‍👦"  // one character, 11 UTF-16 units
        let flags = "🇩🇪🇫🇷🇮🇹"
        let parts = TextSplitter(limit: 2).split(flags)
        #expect(parts == ["🇩🇪🇫🇷", "🇮🇹"])
        let utf16 = TextSplitter(limit: 12, measure: .utf16).split(family + family)
        #expect(utf16 == [family, family])
        #expect(utf16.joined() == family + family)
    }

    @Test func respectsTheLimitOnLongText() {
        let words = (0..<2000).map { "word\($0)" }.joined(separator: " ")
        let parts = TextSplitter.whatsApp.split(words)
        #expect(parts.count > 1)
        #expect(parts.allSatisfy { $0.count <= 4096 })
        #expect(parts.joined(separator: " ") == words)
    }
}

@Suite("Provider HTTP client")
struct ProvidersHTTPClientTests {
    @Test func sendsTheRequestAndReturnsStatusHeadersAndBody() async throws {
        try await FakeVendorServer.with { server in
            server.script("/v1/send", [.json(429, #"{"retry":true}"#, headers: ["Retry-After": "2"])])
            let client = ProviderHTTPClient(timeout: .seconds(120))
            let request = ProviderHTTPRequest(
                url: URL(string: server.baseURL + "/v1/send?x=1")!, headers: ["Authorization": "Bearer t"],
                body: Array("{}".utf8))
            let response = try await client.send(request)
            #expect(response.status == 429)
            #expect(response.retryAfter == .seconds(2))
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"retry":true}"#)
            let recorded = try #require(server.requests.first)
            #expect(recorded.method == "POST")
            #expect(recorded.path == "/v1/send")
            #expect(recorded.query == "x=1")
            #expect(recorded.header("Authorization") == "Bearer t")
            #expect(recorded.bodyText == "{}")
        }
    }

    @Test func aClosedPortIsATransportError() async throws {
        let client = ProviderHTTPClient(timeout: .seconds(2))
        await #expect(throws: ProviderHTTPError.self) {
            _ = try await client.send(ProviderHTTPRequest(url: URL(string: "http://127.0.0.1:1/x")!))
        }
    }
}
