import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import SwitchboardCore

extension AgentAPI {
    /// The path of the live event stream.
    public static let eventsPath = "/api/v1/agent/events"
    /// The longest silence on an event stream before a heartbeat comment.
    static let heartbeat = Duration.seconds(15)

    /// `GET /api/v1/agent/events`: Server-Sent Events of the caller's tenant that the caller may see
    /// (``DeskPrincipal/canSee(_:)``), each `id: <epoch>.<sequence>`, `event: <type>`, `data: <event JSON>`.
    /// With `Last-Event-ID` (or `?last_event_id=`, for the first connection of a reloaded page) the stream
    /// first replays what the caller missed; when this process no longer holds all of it (another replica,
    /// a restart, a long absence) it sends `event: resync` and the client reloads its lists.
    func addEventRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get(RouterPath(Self.eventsPath)) { request, _ in
            await respond(request) { caller in
                guard let hub else { throw HandoverDeskError(.unavailable, "live updates are not running") }
                let lastEventId =
                    request.headers[HTTPField.Name("Last-Event-ID")!]
                    ?? request.uri.queryParameters["last_event_id"].map(String.init)
                let (stream, continuation) = AsyncStream.makeStream(
                    of: DeskLiveSignal.self, bufferingPolicy: .bufferingNewest(10_000))
                let (ticket, missed) = hub.follow(after: lastEventId, with: continuation)
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store",
                        HTTPField.Name("X-Accel-Buffering")!: "no",
                    ],
                    body: ResponseBody { writer in
                        defer { hub.unfollow(ticket) }
                        try await Self.stream(
                            to: &writer, caller: caller, hub: hub, missed: missed, signals: stream,
                            continuation: continuation)
                    })
            }
        }
    }

    private static func stream(
        to writer: inout any ResponseBodyWriter, caller: DeskPrincipal, hub: DeskLiveHub, missed: [DeskLiveEntry]?,
        signals: AsyncStream<DeskLiveSignal>, continuation: AsyncStream<DeskLiveSignal>.Continuation
    ) async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: heartbeat)
                        continuation.yield(.tick)
                    }
                }
                defer { group.cancelAll() }
                try await writer.write(ByteBuffer(string: "retry: 2000\n: desk events\n\n"))
                if let missed {
                    for entry in missed where caller.canSee(entry.event) {
                        try await writer.write(frame(entry, hub: hub))
                    }
                } else {
                    try await writer.write(ByteBuffer(string: "event: resync\ndata: {}\n\n"))
                }
                for await signal in signals {
                    switch signal {
                    case .event(let entry):
                        if caller.canSee(entry.event) { try await writer.write(frame(entry, hub: hub)) }
                    case .tick:
                        try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    }
                }
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        try await writer.finish(nil)
    }

    /// One event as an SSE frame. The JSON is on one line (JSON escapes newlines), so it cannot break the frame.
    static func frame(_ entry: DeskLiveEntry, hub: DeskLiveHub) -> ByteBuffer {
        let json = (try? SwitchboardJSON.makeEncoder().encode(entry.event)).map { String(decoding: $0, as: UTF8.self) }
        return ByteBuffer(
            string: "id: \(hub.eventId(entry.sequence))\nevent: \(entry.event.type.rawValue)\ndata: \(json ?? "{}")\n\n"
        )
    }
}
