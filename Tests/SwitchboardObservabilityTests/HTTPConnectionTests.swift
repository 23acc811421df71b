import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

@testable import SwitchboardObservability

/// What a raw HTTP client sees on the wire: the server's answer, and whether it closed the connection
/// within `timeout` (`recv` returning 0) or kept it open (the read timed out).
struct RawHTTPExchange {
    var response: String
    var closedByServer: Bool

    struct SocketFailure: Error {}

    /// Sends `request` on a thread of its own: the blocking reads must not hold a thread of the cooperative
    /// pool, which the server's handlers need.
    static func send(_ request: String, port: Int, timeout: Int = 5) async throws -> RawHTTPExchange {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try exchange(request, port: port, timeout: timeout) })
            }
        }
    }

    private static func exchange(_ request: String, port: Int, timeout: Int) throws -> RawHTTPExchange {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailure() }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw SocketFailure() }
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw SocketFailure() }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[0..<count]
            } else {
                // 0: the server closed; -1: the read timed out with the connection still open.
                return RawHTTPExchange(response: String(decoding: received, as: UTF8.self), closedByServer: count == 0)
            }
        }
    }
}

@Suite("HTTP connections on a live socket")
struct HTTPConnectionTests {
    func server() -> OpsServer {
        let registry = PrometheusCollectorRegistry()
        return OpsServer(
            host: "127.0.0.1", port: 0, endpoints: OpsEndpoints(registry: registry, checks: []),
            httpMetrics: HTTPMetrics(factory: MetricsBootstrap.makeFactory(registry: registry)),
            logger: Logger(label: "http-connection-test") { _ in SwiftLogNoOpLogHandler() })
    }

    @Test("an HTTP/1.0 request without keep-alive gets its answer and then the connection closed (ApacheBench)")
    func http10Closes() async throws {
        try await server().makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let exchange = try await RawHTTPExchange.send("GET /health/live HTTP/1.0\r\n\r\n", port: port)
            #expect(exchange.response.contains(" 200 "))
            #expect(exchange.response.contains(#"{"status":"live"}"#))
            #expect(exchange.closedByServer)
        }
    }

    @Test("HTTP/1.1 with Connection: close is closed too, and HTTP/1.0 asking for keep-alive stays open")
    func keepAliveAsked() async throws {
        try await server().makeApplication().test(.live) { client in
            let port = try #require(client.port)
            let closing = try await RawHTTPExchange.send(
                "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n", port: port)
            #expect(closing.closedByServer)
            // Two requests on one connection: the first asks for keep-alive, so the second is answered too, and
            // the connection closes after it (it did not ask).
            let kept = try await RawHTTPExchange.send(
                "GET /health/live HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /health/live HTTP/1.0\r\n\r\n",
                port: port)
            #expect(kept.response.components(separatedBy: " 200 ").count - 1 == 2)
            #expect(kept.closedByServer)
        }
    }
}
