import Foundation

/// The limits on stored media: a largest size and the MIME types allowed. Pure, so unit-tested alone.
public struct MediaPolicy: Sendable, Hashable {
    /// Images, audio, video, PDF, the common office documents and plain text.
    public static let defaultAllowedTypes = [
        "image/*", "audio/*", "video/*", "application/pdf", "text/plain", "text/csv",
        "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    ]

    public var maxBytes: Int
    /// Lower-case exact types or `type/*`.
    public var allowedTypes: [String]

    public init(maxBytes: Int = 16 * 1024 * 1024, allowedTypes: [String] = Self.defaultAllowedTypes) {
        self.maxBytes = maxBytes
        self.allowedTypes = allowedTypes.map { $0.lowercased() }
    }

    /// `type/subtype` in lower case, without parameters (`image/JPEG; q=1` → `image/jpeg`); nil if not one.
    public static func normalized(_ mimeType: String?) -> String? {
        guard let mimeType else { return nil }
        let bare = mimeType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let type = bare.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            type.allSatisfy({ $0.isLetter || $0.isNumber || "/.+-_".contains($0) })
        else { return nil }
        return type
    }

    /// Whether media of `mimeType` may be stored.
    public func allows(_ mimeType: String) -> Bool {
        guard let type = Self.normalized(mimeType) else { return false }
        let top = type.split(separator: "/")[0]
        return allowedTypes.contains { $0 == type || $0 == "\(top)/*" }
    }

    /// Why media of this type cannot be stored, or nil.
    public func typeProblem(_ mimeType: String) -> String? {
        allows(mimeType) ? nil : "media type \(Self.normalized(mimeType) ?? "unknown") is not allowed"
    }

    /// Why media of `size` bytes (as the vendor declares it, or as received so far) cannot be stored, or nil.
    public func sizeProblem(_ size: Int) -> String? {
        size > maxBytes ? "media is larger than \(maxBytes) bytes" : nil
    }
}
