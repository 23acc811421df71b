public import Foundation
import SwitchboardCore

#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif

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

/// A request that got no HTTP answer (timeout, refused connection, DNS).
public struct ProviderHTTPError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public static let timeout = Code(name: "timeout")
        public static let transport = Code(name: "transport")
        public var description: String { name }
    }

    public var code: Code
    /// The host the request went to (never the URL: query strings may carry tokens).
    public var host: String
    /// Every transport failure may succeed later.
    public var isRetriable: Bool { true }

    public var description: String { "provider request to \(host) failed: \(code)" }
}

/// Sends provider API requests over `URLSession`, each with its own timeout.
public struct ProviderHTTPClient: Sendable {
    /// Per-request timeout. `SWITCHBOARD_PROVIDER_TIMEOUT_MS`, default 10 s.
    public var timeout: Duration
    private let session: URLSession

    public init(timeout: Duration = .seconds(10), session: URLSession = .shared) {
        self.timeout = timeout
        self.session = session
    }

    /// Sends `request`; throws ``ProviderHTTPError`` only when no HTTP response came back.
    public func send(_ request: ProviderHTTPRequest) async throws(ProviderHTTPError) -> ProviderHTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if let body = request.body { urlRequest.httpBody = Data(body) }
        let host = request.url.host ?? "unknown"
        do {
            let (data, response) = try await session.data(for: urlRequest)
            guard let http = response as? HTTPURLResponse else {
                throw ProviderHTTPError(code: .transport, host: host)
            }
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name] = value }
            }
            return ProviderHTTPResponse(status: http.statusCode, headers: headers, body: Array(data))
        } catch let error as ProviderHTTPError {
            throw error
        } catch let error as URLError where error.code == .timedOut {
            throw ProviderHTTPError(code: .timeout, host: host)
        } catch {
            throw ProviderHTTPError(code: .transport, host: host)
        }
    }
}
