public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A tiny HTTP client for tests that talk to running daemons over real sockets.
public enum HTTP {
    public struct Response: Sendable {
        public let status: Int
        public let body: Data

        /// The body as a JSON object.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public static func get(_ url: URL, headers: [String: String] = [:]) async throws -> Response {
        try await send(url, method: "GET", body: nil, headers: headers)
    }

    public static func post(_ url: URL, json: [String: Any], headers: [String: String] = [:]) async throws -> Response {
        var headers = headers
        headers["Content-Type"] = "application/json"
        return try await send(
            url, method: "POST", body: try JSONSerialization.data(withJSONObject: json), headers: headers)
    }

    public static func send(
        _ url: URL, method: String, body: Data?, headers: [String: String]
    ) async throws
        -> Response
    {
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }
}
