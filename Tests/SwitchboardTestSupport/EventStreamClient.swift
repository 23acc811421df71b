public import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif

/// A Server-Sent Events client, as a browser's `EventSource` reads a stream: it keeps the connection open
/// and parses `id:`, `event:` and `data:` lines into events as they arrive.
///
/// ```swift
/// let stream = EventStreamClient(url: url, headers: ["Last-Event-ID": id])
/// let events = try await stream.events(atLeast: 1, within: .seconds(10))
/// stream.close()
/// ```
public final class EventStreamClient: NSObject, URLSessionDataDelegate, Sendable {
    /// One event: its fields as sent (`data` lines joined with line breaks).
    public struct Event: Sendable, Equatable {
        public var id: String?
        public var event: String?
        public var data: String
    }

    private struct State {
        var pending = Data()
        var current = Event(id: nil, event: nil, data: "")
        var hasData = false
        var events: [Event] = []
        var comments: [String] = []
        var status: Int?
        var contentType: String?
        var finished = false
        /// Callers waiting for a condition, woken by the change that meets it.
        var waiters: [UUID: Waiter] = [:]
    }

    private struct Waiter {
        let isMet: @Sendable (State) -> Bool
        let continuation: CheckedContinuation<Void, Never>
    }

    private let state = Mutex(State())
    private let session = Mutex<URLSession?>(nil)

    /// Connects at once.
    public init(url: URL, headers: [String: String] = [:]) {
        super.init()
        var request = URLRequest(url: url)
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.timeoutInterval = 300
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        self.session.withLock { $0 = session }
        session.dataTask(with: request).resume()
    }

    /// The response status, once headers arrived.
    public var status: Int? { state.withLock { $0.status } }
    /// The response's `Content-Type`.
    public var contentType: String? { state.withLock { $0.contentType } }
    /// Every event so far, oldest first.
    public var events: [Event] { state.withLock { $0.events } }
    /// Comment lines (`: ...`) so far, without the colon.
    public var comments: [String] { state.withLock { $0.comments } }
    /// Whether the server ended the stream (or the connection failed).
    public var isFinished: Bool { state.withLock { $0.finished } }

    /// Waits until at least `count` events arrived; all of them.
    public func events(atLeast count: Int, within limit: Duration) async throws -> [Event] {
        try await events("\(count) server-sent events", within: limit) { $0.count >= count }
    }

    /// Waits until `condition` holds of the events so far; all of them. Each event wakes the wait: no polling.
    public func events(
        _ what: String, within limit: Duration, until condition: @escaping @Sendable ([Event]) -> Bool
    ) async throws -> [Event] {
        try await withTimeout(limit, what) {
            await self.change { condition($0.events) }
            return self.events
        }
    }

    /// Waits until the response headers arrived; the status.
    public func connected(within limit: Duration) async throws -> Int {
        try await withTimeout(limit, "the stream's response headers") {
            await self.change { $0.status != nil }
            return self.status ?? 0
        }
    }

    /// Returns once `isMet` holds of the state: at once, or at the change that makes it hold.
    private func change(until isMet: @escaping @Sendable (State) -> Bool) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if isMet(state) || Task.isCancelled { return true }
                    state.waiters[id] = Waiter(isMet: isMet, continuation: continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// Changes the state and wakes the waiters whose condition it meets.
    private func update(_ body: (inout State) -> Void) {
        let met = state.withLock { state -> [Waiter] in
            body(&state)
            let met = state.waiters.filter { $0.value.isMet(state) }
            for id in met.keys { state.waiters.removeValue(forKey: id) }
            return Array(met.values)
        }
        for waiter in met { waiter.continuation.resume() }
    }

    /// Closes the connection.
    public func close() {
        session.withLock { session in
            session?.invalidateAndCancel()
            session = nil
        }
    }

    public func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        update {
            $0.status = http?.statusCode
            $0.contentType = http?.value(forHTTPHeaderField: "Content-Type")
        }
        completionHandler(.allow)
    }

    public func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        update { state in
            state.pending.append(data)
            while let newline = state.pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = String(decoding: state.pending[state.pending.startIndex..<newline], as: UTF8.self)
                state.pending.removeSubrange(state.pending.startIndex...newline)
                if line.hasSuffix("\r") { line.removeLast() }
                Self.take(line, into: &state)
            }
        }
    }

    public func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        update { $0.finished = true }
    }

    private static func take(_ line: String, into state: inout State) {
        if line.isEmpty {
            if state.hasData { state.events.append(state.current) }
            state.current = Event(id: nil, event: nil, data: "")
            state.hasData = false
            return
        }
        if line.hasPrefix(":") {
            state.comments.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces))
            return
        }
        let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let field = String(parts[0])
        var value = parts.count > 1 ? String(parts[1]) : ""
        if value.hasPrefix(" ") { value.removeFirst() }
        switch field {
        case "id": state.current.id = value
        case "event": state.current.event = value
        case "data":
            state.current.data += state.hasData ? "\n" + value : value
            state.hasData = true
        default: break
        }
    }
}
