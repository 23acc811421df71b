import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A fixed number of keep-alive HTTP/1.1 connections to one server, each a task taking jobs from one shared
/// queue, one request at a time. Built on swift-nio so a 2-core machine can offer thousands of requests per
/// second (URLSession cannot); the load generator's own CPU is part of every figure, so it stays lean.
struct HTTPPool: Sendable {
    let host: String
    let port: Int
    /// `host:port`, the Host header.
    let authority: String
    let connections: Int
    let queue = HTTPJobQueue()

    private struct ClosedEarly: Error, CustomStringConvertible {
        var description: String { "connection closed before the answer" }
    }

    /// Opens `connections` connections to `base` (`http://host:port`), runs `body` with the pool, then lets
    /// the connections finish the queued jobs and closes them.
    static func with<T: Sendable>(
        base: String, connections: Int, _ body: (HTTPPool) async throws -> T
    ) async throws -> T {
        guard let url = URL(string: base), url.scheme == "http", let host = url.host else {
            throw BenchFailure.usage("\(base) is not an http://host:port URL")
        }
        let port = url.port ?? 80
        let pool = HTTPPool(host: host, port: port, authority: "\(host):\(port)", connections: connections)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<connections { group.addTask { await pool.work() } }
            do {
                let result = try await body(pool)
                pool.queue.finish()
                try await group.waitForAll()
                return result
            } catch {
                pool.queue.finish()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Queues `job`; its completion is called when it is answered.
    func submit(_ job: HTTPJob) {
        queue.push(job)
    }

    /// Sends `POST path` and waits for the answer.
    func post(_ path: String, headers: [(String, String)], body: ByteBuffer) async -> HTTPAnswer {
        await withCheckedContinuation { continuation in
            submit(.post(path, host: authority, headers: headers, body: body) { continuation.resume(returning: $0) })
        }
    }

    /// Sends `GET path` and waits for the answer.
    func get(_ path: String) async -> HTTPAnswer {
        await withCheckedContinuation { continuation in
            submit(.get(path, host: authority) { continuation.resume(returning: $0) })
        }
    }

    /// One connection's loop: take a job, send it, read the answer, repeat; reconnect after a failure.
    private func work() async {
        let clock = ContinuousClock()
        while true {
            guard let first = await queue.next() else { return }
            var current: HTTPJob? = first
            var writtenAt = clock.now
            do {
                let channel = try await connect()
                try await channel.executeThenClose { inbound, outbound in
                    var responses = inbound.makeAsyncIterator()
                    while let job = current {
                        writtenAt = clock.now
                        try await outbound.write(contentsOf: [.head(job.head), .body(.byteBuffer(job.body)), .end(nil)])
                        var answer = HTTPAnswer(
                            status: 0, body: ByteBuffer(), writtenAt: writtenAt, answeredAt: writtenAt, failure: nil)
                        reading: while true {
                            switch try await responses.next() {
                            case .head(let head)?: answer.status = Int(head.status.code)
                            case .body(var chunk)?: answer.body.writeBuffer(&chunk)
                            case .end?: break reading
                            case nil: throw ClosedEarly()
                            }
                        }
                        answer.answeredAt = clock.now
                        current = nil
                        job.completion(answer)
                        current = await queue.next()
                    }
                }
                return
            } catch {
                if let job = current {
                    job.completion(
                        HTTPAnswer(
                            status: 0, body: ByteBuffer(), writtenAt: writtenAt, answeredAt: clock.now,
                            failure: "\(error)"))
                }
                // A refused connection must not spin: a short pause before the next attempt.
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    private func connect() async throws -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
    }
}
