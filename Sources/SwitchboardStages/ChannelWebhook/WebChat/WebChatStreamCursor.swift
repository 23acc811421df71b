public import Foundation

/// What one web chat stream has sent, so a reply reaches the browser once whether it came from this
/// process's outbound stage or from the store (another instance delivered it). Pure.
///
/// Replies stored before ``floor`` are never sent: the stream starts at the moment it was opened (less a
/// little clock skew between instances), or just after the message named by `Last-Event-ID`. Polls ask for
/// messages from ``pollFrom``: a few seconds before the newest one seen, because another instance may store
/// a message a moment after a newer one became visible.
public struct WebChatStreamCursor: Sendable {
    /// How far before the newest message seen each poll starts.
    public static let overlap: Duration = .seconds(5)

    /// The oldest storage time a sent message may have.
    public let floor: Date
    private var newest: Date
    private var sent: [String: Date] = [:]

    /// A stream starting at `floor`.
    public init(floor: Date) {
        self.floor = floor
        self.newest = floor
    }

    /// A stream resuming after message `id`, stored at `storedAt`.
    public init(resumingAfter id: String, storedAt: Date) {
        self.init(floor: storedAt)
        sent[id] = storedAt
    }

    /// Where the next poll of the store starts.
    public var pollFrom: Date {
        max(floor, newest.addingTimeInterval(-(Self.overlap / .seconds(1))))
    }

    /// Whether message `id`, stored at `storedAt`, is to be sent now; records it when so.
    public mutating func admit(_ id: String, storedAt: Date) -> Bool {
        guard storedAt >= floor, sent[id] == nil else { return false }
        sent[id] = storedAt
        newest = max(newest, storedAt)
        if sent.count > 512 {
            // Anything older than the next poll's start cannot come back from the store.
            let horizon = pollFrom.addingTimeInterval(-1)
            sent = sent.filter { $0.value >= horizon }
        }
        return true
    }

    /// Messages remembered (bounded by the poll window).
    public var remembered: Int { sent.count }
}
