import SwitchboardCore

/// A message's inbound media as the agent API shows it.
public struct MediaView: Sendable, Hashable, Codable {
    /// `pending` (not fetched yet), `stored` or `failed`.
    public var state: String
    /// The authenticated URL of the stored bytes (``AgentAPI/mediaPath``), once stored.
    public var url: String?
    /// Why it is unavailable, once failed.
    public var reason: String?
    public var mimeType: String?
    public var size: Int?
    public var fileName: String?

    /// The view of `message`'s media; nil for a message that has none the media stage fetches.
    init?(_ message: MessageStore.StoredMessage) {
        guard MediaSource.fetches(message.envelope), case .media(let media) = message.envelope.content else {
            return nil
        }
        fileName = media.fileName.map(MediaFileName.sanitised)
        mimeType = media.mimeType
        switch message.media_status {
        case nil:
            state = "pending"
        case let status? where status.state == .stored:
            state = "stored"
            url = status.id.map { "\(AgentAPI.mediaPath)/\($0)" }
            mimeType = status.mime_type ?? mimeType
            size = status.size
        case let status?:
            state = "failed"
            reason = status.reason
        }
    }

    enum CodingKeys: String, CodingKey {
        case state, url, reason, size
        case mimeType = "mime_type"
        case fileName = "file_name"
    }
}
