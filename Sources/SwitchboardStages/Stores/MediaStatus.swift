public import Foundation

/// What became of a message's inbound media, stored on the message as `media_status`.
public struct MediaStatus: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable, Hashable {
        /// Fetched and stored: ``id`` names the file in the media store.
        case stored
        /// Not fetched, for ``reason``.
        case failed
    }

    public var state: State
    /// The stored file's id (`media.files._id`).
    public var id: String?
    /// Size in bytes.
    public var size: Int?
    public var mime_type: String?
    /// Lowercase hexadecimal SHA-256 of the bytes.
    public var sha256: String?
    /// Why it failed, without credentials or URLs.
    public var reason: String?
    public var at: Date

    /// Stored as `file`.
    public static func stored(_ file: MediaStore.StoredFile, at time: Date) -> MediaStatus {
        MediaStatus(
            state: .stored, id: file._id, size: file.length, mime_type: file.metadata.content_type,
            sha256: file.metadata.sha256, reason: nil, at: time)
    }

    /// Failed for `reason`.
    public static func failed(_ reason: String, at time: Date) -> MediaStatus {
        MediaStatus(state: .failed, id: nil, size: nil, mime_type: nil, sha256: nil, reason: reason, at: time)
    }
}
