import HTTPTypes
import Hummingbird
import Testing

@testable import SwitchboardStages

@Suite("Request bodies that never finish")
struct RequestBodyTimeoutTests {
    @Test("a body that stops arriving is refused with 408 once the read timeout passes, not waited on forever")
    func trickledBodyTimesOut() async throws {
        // One chunk, then nothing more and no end: a slow-loris client.
        let (chunks, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        continuation.yield(ByteBuffer(string: "{\"user_id\":"))
        let request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/api/v1/messages"),
            body: RequestBody(asyncSequence: chunks))
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await request.channelBody(upTo: 1024, within: .milliseconds(200))
            Issue.record("a body that never ended was accepted")
        } catch {
            #expect(error.status == .requestTimeout)
        }
        // A guard against waiting forever, not a measure of the 200 ms: a loaded parallel run on 2 cores has
        // taken 31 s to get here.
        #expect(clock.now - start < .seconds(120))
        continuation.finish()
    }

    @Test("a complete body within the timeout is read whole")
    func completeBody() async throws {
        let request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/"),
            body: RequestBody(buffer: ByteBuffer(string: "hello")))
        #expect(try await request.channelBody(upTo: 1024, within: .seconds(5)) == ByteBuffer(string: "hello"))
    }
}
