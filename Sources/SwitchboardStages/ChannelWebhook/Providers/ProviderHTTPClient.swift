import AsyncHTTPClient
public import Foundation
import SwitchboardCore

/// One request to a provider's API.
public struct ProviderHTTPRequest: Sendable {
    public var method: String
    public var url: URL
    /// Header fields; never logged (they carry bearer tokens).
    public var headers: [String: String]
    public var body: [UInt8]?

    public init(method: String = "POST", url: URL, headers: [String: String] = [:], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// A request with a JSON body (`Content-Type: application/json`).
    public static func json(
        _ url: URL, body: some Encodable, headers: [String: String] = [:]
    ) throws -> ProviderHTTPRequest {
        let encoder = SwitchboardJSON.makeEncoder()
        var headers = headers
        headers["Content-Type"] = "application/json"
        return ProviderHTTPRequest(url: url, headers: headers, body: Array(try encoder.encode(body)))
    }
}

/// A provider's answer.
public struct ProviderHTTPResponse: Sendable {
    public var status: Int
    /// Header fields with lower-cased names.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
    }

    /// The header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// `Retry-After` in seconds, if the provider sent one.
    public var retryAfter: Duration? { RetryPolicy.retryAfter(header: header("Retry-After")) }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// A request that got no HTTP answer (timeout, refused connection, DNS), or an answer too large to read.
public struct ProviderHTTPError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// No complete answer within ``ProviderHTTPClient/timeout``.
        public static let timeout = Code(name: "timeout")
        /// The connection failed or broke.
        public static let transport = Code(name: "transport")
        /// The body was longer than ``ProviderHTTPClient/maxResponseBytes``.
        public static let responseTooLarge = Code(name: "response too large")
        public var description: String { name }
    }

    public var code: Code
    /// The host the request went to (never the URL: query strings and paths may carry tokens).
    public var host: String
    /// Every transport failure may succeed later.
    public var isRetriable: Bool { true }

    public var description: String { "provider request to \(host) failed: \(code)" }
}

/// Sends provider API requests through a ``ProviderConnectionPool``, each with a deadline that covers the
/// whole exchange: connecting, the request, the answer's head and its body.
public struct ProviderHTTPClient: Sendable {
    /// Per-request deadline. `SWITCHBOARD_PROVIDER_TIMEOUT_MS`, default 10 s.
    public var timeout: Duration
    /// Largest answer body read; provider answers are a few hundred bytes. Default 1 MiB.
    public var maxResponseBytes: Int
    /// The connections the requests go over.
    public let pool: ProviderConnectionPool

    /// A client over `pool`; by default a pool of its own, closed when the client is released.
    public init(
        timeout: Duration = .seconds(10), maxResponseBytes: Int = 1 << 20,
        pool: ProviderConnectionPool = ProviderConnectionPool()
    ) {
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.pool = pool
    }

    /// Sends `request`; throws ``ProviderHTTPError`` only when no complete HTTP answer came back in time.
    public func send(_ request: ProviderHTTPRequest) async throws(ProviderHTTPError) -> ProviderHTTPResponse {
        try await exchange(request, receive: nil)
    }

    /// Sends `request` and hands a successful (2xx) answer's body to `receive` piece by piece as it arrives,
    /// within the same deadline; the returned response then has an empty body. Other answers come back whole
    /// as from ``send(_:)``. An error `receive` throws ends the exchange and is thrown as a transport failure.
    public func stream(
        _ request: ProviderHTTPRequest, receive: @escaping @Sendable ([UInt8]) async throws -> Void
    ) async throws(ProviderHTTPError) -> ProviderHTTPResponse {
        try await exchange(request, receive: receive)
    }

    /// One request within the deadline: a 2xx answer's body goes to `receive` when there is one, any other
    /// body is kept (up to the limit) and returned.
    private func exchange(
        _ request: ProviderHTTPRequest, receive: (@Sendable ([UInt8]) async throws -> Void)?
    ) async throws(ProviderHTTPError) -> ProviderHTTPResponse {
        let host = request.url.host ?? "unknown"
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = .init(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(body) }
        let client = pool.client
        let prepared = outgoing
        let (timeout, limit) = (timeout, maxResponseBytes)
        do {
            return try await Self.withDeadline(ContinuousClock.now + timeout) {
                let response = try await client.execute(
                    prepared, timeout: .nanoseconds(Int64(min(timeout / .nanoseconds(1), 1e18))))
                var headers: [String: String] = [:]
                for (name, value) in response.headers { headers[name] = value }
                let status = Int(response.status.code)
                var body: [UInt8] = []
                for try await chunk in response.body {
                    if let receive, (200..<300).contains(status) {
                        try await receive(Array(chunk.readableBytesView))
                    } else {
                        guard body.count + chunk.readableBytes <= limit else { throw ResponseTooLarge() }
                        body += chunk.readableBytesView
                    }
                }
                return ProviderHTTPResponse(status: status, headers: headers, body: body)
            }
        } catch let error as HTTPClientError
            where [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(error)
        {
            throw ProviderHTTPError(code: .timeout, host: host)
        } catch is DeadlineExceeded {
            throw ProviderHTTPError(code: .timeout, host: host)
        } catch is ResponseTooLarge {
            throw ProviderHTTPError(code: .responseTooLarge, host: host)
        } catch {
            throw ProviderHTTPError(code: .transport, host: host)
        }
    }

    private struct ResponseTooLarge: Error {}

    /// The deadline passed while the answer's body was still arriving.
    private struct DeadlineExceeded: Error {}

    /// Runs `operation`, cancelling it at `deadline`: AsyncHTTPClient's own deadline stops at the answer's
    /// head, and a provider that trickles its body must not hold the outbound stage past the timeout.
    private static func withDeadline<Result: Sendable>(
        _ deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else { throw DeadlineExceeded() }
            return result
        }
    }
}
