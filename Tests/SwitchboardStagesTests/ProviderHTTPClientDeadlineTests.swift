import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The provider HTTP client on AsyncHTTPClient: one deadline per request that covers the answer's body as
/// well as its head, and a connection pool that closes with the daemon's service group.
@Suite("Provider HTTP client deadlines and pool")
struct ProviderHTTPClientDeadlineTests {
    /// A vendor that answers `/head` never, and `/body` with a head and one byte of body, then nothing, until
    /// the test releases it (so its server can stop).
    static func withStallingVendor(_ body: @Sendable (_ baseURL: String) async throws -> Void) async throws {
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let router = Router()
        router.get("/head") { _, _ -> Response in
            for await _ in release {}
            return Response(status: .ok)
        }
        router.get("/body") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "{"))
                    for await _ in release {}
                    try await writer.finish(nil)
                })
        }
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            defer { releaser.finish() }
            try await body("http://127.0.0.1:\(try #require(client.port))")
        }
    }

    @Test(arguments: ["/head", "/body"])
    func aVendorThatStallsIsATimeoutAtTheDeadline(_ path: String) async throws {
        try await Self.withStallingVendor { base in
            let client = ProviderHTTPClient(timeout: .milliseconds(300))
            // Without the client's own deadline the request would wait for as long as the vendor stalls (here:
            // until the test ends); the bound only tells that from a timeout, however loaded the machine.
            let error = try await withTimeout(.seconds(120), "the request to a stalling vendor to end") {
                do throws(ProviderHTTPError) {
                    _ = try await client.send(ProviderHTTPRequest(method: "GET", url: URL(string: base + path)!))
                    return ProviderHTTPError?.none
                } catch {
                    return error
                }
            }
            #expect(error?.code == .timeout)
            #expect(error?.host == "127.0.0.1")
        }
    }

    @Test func anAnswerOverTheLimitIsRefused() async throws {
        let router = Router()
        router.get("/big") { _, _ in String(repeating: "x", count: 4096) }
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            let small = ProviderHTTPClient(timeout: .seconds(120), maxResponseBytes: 1024)
            let error = await #expect(throws: ProviderHTTPError.self) {
                _ = try await small.send(ProviderHTTPRequest(method: "GET", url: URL(string: base + "/big")!))
            }
            #expect(error?.code == .responseTooLarge)
            let response = try await ProviderHTTPClient(timeout: .seconds(120), maxResponseBytes: 4096).send(
                ProviderHTTPRequest(method: "GET", url: URL(string: base + "/big")!))
            #expect(response.body.count == 4096)
        }
    }

    /// Run as a service, the pool closes at the group's graceful shutdown: the same vendor that answered
    /// before is not called again.
    @Test func thePoolClosesWithItsServiceGroup() async throws {
        let router = Router()
        router.get("/ping") { _, _ in "pong" }
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { live in
            let url = URL(string: "http://127.0.0.1:\(try #require(live.port))/ping")!
            let pool = ProviderConnectionPool()
            let client = ProviderHTTPClient(timeout: .seconds(120), pool: pool)
            #expect(try await client.send(ProviderHTTPRequest(method: "GET", url: url)).status == 200)

            let group = ServiceGroup(
                configuration: .init(services: [pool], logger: Logger(label: "provider-pool-test")))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let error = await #expect(throws: ProviderHTTPError.self) {
                _ = try await client.send(ProviderHTTPRequest(method: "GET", url: url))
            }
            #expect(error?.code == .transport)
        }
    }
}
