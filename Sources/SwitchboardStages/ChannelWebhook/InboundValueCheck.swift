public import SwitchboardCore

/// The ranges every inbound value must be in, checked the same way on every channel before anything is
/// published: coordinates, counts, ids and lengths.
///
/// A message with a value out of range is not accepted as it is (to fail later, in a stage that dead-letters
/// it): it becomes `kind: unsupported` without content, its `unsupported` field naming the content type and
/// the reason, so the conversation still shows that something arrived. An envelope whose customer address
/// itself is out of range cannot be attributed to anyone and is dropped (``checked(_:)`` returns nil with
/// the reason).
public enum InboundValueCheck {
    /// Longest id (external id, message id, the id a reaction or status refers to): 256 bytes of UTF-8.
    public static let maxIdBytes = 256
    /// Longest text or caption: 64 KiB of UTF-8 (every channel's own limit is far below).
    public static let maxTextBytes = 64 * 1024
    /// Longest short value (names, titles, addresses, MIME types, file names, payloads): 4 KiB.
    public static let maxShortBytes = 4096
    /// Longest media reference (URL or media id): 8 KiB.
    public static let maxReferenceBytes = 8192
    /// Most phone numbers or email addresses on a contact card, and most media in one message: 20 and 10.
    public static let maxListCount = 20
    public static let maxMediaCount = 10
    /// Bounds of ``Envelope/channelExtensions`` (the vendor's fields kept verbatim): at most 16 levels deep and
    /// 10 000 values in all; each string within ``maxTextBytes`` and each key within ``maxShortBytes``.
    public static let maxExtensionDepth = 16
    public static let maxExtensionValues = 10_000

    /// The outcome of checking one envelope.
    public enum Outcome: Sendable, Equatable {
        /// Every value is in range.
        case accepted(Envelope)
        /// A content value is out of range: the envelope as `unsupported`, with the reason.
        case unsupported(Envelope, reason: String)
        /// The customer address is out of range: nothing can be published.
        case dropped(reason: String)
    }

    /// Checks `envelope`.
    public static func check(_ envelope: Envelope) -> Outcome {
        if let reason = idProblem(envelope.externalId, "external id", required: true) {
            return .dropped(reason: reason)
        }
        var envelope = envelope
        var reasons: [String] = []
        // An id out of range is not kept, even on the unsupported envelope.
        func kept(_ value: String?, _ name: String) -> String? {
            guard let value, let reason = idProblem(value, name, required: false) else { return value }
            reasons.append(reason)
            return nil
        }
        envelope.channelMessageId = kept(envelope.channelMessageId, "message id")
        envelope.relatesTo = kept(envelope.relatesTo, "related message id")
        if envelope.conversationId != nil {
            envelope.conversationId = kept(envelope.conversationId, "conversation id") ?? envelope.externalId
        }
        if let content = envelope.content, let reason = contentProblem(content) { reasons.append(reason) }
        // Out-of-range vendor fields are not kept, even on the unsupported envelope.
        if let reason = extensionsProblem(envelope.channelExtensions) {
            reasons.append(reason)
            envelope.channelExtensions = [:]
        }
        guard let reason = reasons.first else { return .accepted(envelope) }
        return .unsupported(unsupported(envelope, reason: reason), reason: reason)
    }

    /// `envelope` as `kind: unsupported` with no content, its `unsupported` field naming the type it had and
    /// `reason`. Delivery statuses stay what they are, without the out-of-range value.
    public static func unsupported(_ envelope: Envelope, reason: String, type: String? = nil) -> Envelope {
        var envelope = envelope
        guard envelope.kind != .deliveryStatus else { return envelope }
        let type = type ?? envelope.content?.typeName ?? "unknown"
        envelope.kind = .unsupported
        envelope.content = nil
        envelope.unknownFields["unsupported"] = .object(["type": .string(type), "reason": .string(reason)])
        return envelope
    }

    /// Why an id is out of range: empty (where required), longer than ``maxIdBytes``, or holding control
    /// characters.
    public static func idProblem(_ value: String, _ name: String, required: Bool) -> String? {
        if value.isEmpty { return required ? "\(name) is empty" : nil }
        if value.utf8.count > maxIdBytes { return "\(name) is longer than \(maxIdBytes) bytes" }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "\(name) holds control characters"
        }
        return nil
    }

    /// Why a content value is out of range.
    public static func contentProblem(_ content: Content) -> String? {
        switch content {
        case .text(let text):
            return length(text, "text", maxTextBytes)
        case .media(let media):
            if media.reference.isEmpty { return "media reference is empty" }
            return length(media.reference, "media reference", maxReferenceBytes)
                ?? media.mimeType.flatMap { length($0, "MIME type", maxShortBytes) }
                ?? media.caption.flatMap { length($0, "caption", maxTextBytes) }
                ?? media.fileName.flatMap { length($0, "file name", maxShortBytes) }
        case .location(let location):
            return coordinatesProblem(latitude: location.latitude, longitude: location.longitude)
                ?? location.name.flatMap { length($0, "place name", maxShortBytes) }
                ?? location.address.flatMap { length($0, "address", maxShortBytes) }
        case .interactive(let reply):
            if reply.payload.isEmpty { return "interactive payload is empty" }
            return length(reply.payload, "interactive payload", maxShortBytes)
                ?? reply.title.flatMap { length($0, "interactive title", maxShortBytes) }
                ?? reply.description.flatMap { length($0, "interactive description", maxShortBytes) }
        case .choice(let choice):
            if choice.options.count > maxListCount { return "choice has more than \(maxListCount) options" }
            return length(choice.text, "text", maxTextBytes)
                ?? choice.options.lazy.compactMap {
                    length($0.id, "option id", maxShortBytes) ?? length($0.title, "option title", maxShortBytes)
                        ?? $0.description.flatMap { length($0, "option description", maxShortBytes) }
                }.first
        case .contact(let contact):
            if contact.phones.count > maxListCount || contact.emails.count > maxListCount {
                return "contact card has more than \(maxListCount) phone numbers or email addresses"
            }
            return length(contact.name, "contact name", maxShortBytes)
                ?? contact.phones.lazy.compactMap { length($0, "contact phone number", maxShortBytes) }.first
                ?? contact.emails.lazy.compactMap { length($0, "contact email address", maxShortBytes) }.first
        }
    }

    /// Why a pair of coordinates is out of range: not finite, latitude outside -90...90 or longitude outside
    /// -180...180.
    public static func coordinatesProblem(latitude: Double, longitude: Double) -> String? {
        guard latitude.isFinite, (-90...90).contains(latitude) else { return "latitude is out of range" }
        guard longitude.isFinite, (-180...180).contains(longitude) else { return "longitude is out of range" }
        return nil
    }

    /// Why a count of items is out of range (negative or above `maximum`).
    public static func countProblem(_ count: Int, _ name: String, maximum: Int) -> String? {
        (0...maximum).contains(count) ? nil : "\(name) is out of range (0 to \(maximum))"
    }

    /// Why the vendor fields kept verbatim are out of range: nested deeper than ``maxExtensionDepth``, more than
    /// ``maxExtensionValues`` values, a string longer than ``maxTextBytes``, or a key that is empty, longer than
    /// ``maxShortBytes``, holds a `.` or control characters or starts with `$` (the message store, a document
    /// database, cannot hold it). The reason names the top-level field.
    public static func extensionsProblem(_ extensions: [String: JSONValue]) -> String? {
        var count = 0
        func problem(_ value: JSONValue, depth: Int) -> String? {
            count += 1
            if count > maxExtensionValues { return "more than \(maxExtensionValues) values" }
            if depth > maxExtensionDepth { return "nested deeper than \(maxExtensionDepth) levels" }
            switch value {
            case .string(let text):
                return length(text, "a string", maxTextBytes)
            case .number(let number):
                return number.isFinite ? nil : "a number is not finite"
            case .array(let elements):
                for element in elements {
                    if let reason = problem(element, depth: depth + 1) { return reason }
                }
                return nil
            case .object(let fields):
                for (key, child) in fields {
                    if let reason = keyProblem(key) ?? problem(child, depth: depth + 1) {
                        return reason
                    }
                }
                return nil
            case .null, .bool:
                return nil
            }
        }
        for (key, value) in extensions.sorted(by: { $0.key < $1.key }) {
            if let reason = keyProblem(key) ?? problem(value, depth: 1) {
                // Reasons are logged: a vendor's field name is named, anything else from the body is not.
                let named = (1...64).contains(key.utf8.count) && key.utf8.allSatisfy { $0.isASCIIIdentifierByte }
                return named ? "channel field '\(key)': \(reason)" : "a channel field: \(reason)"
            }
        }
        return nil
    }

    private static func keyProblem(_ key: String) -> String? {
        if key.isEmpty { return "a key is empty" }
        if let reason = length(key, "a key", maxShortBytes) { return reason }
        if key.hasPrefix("$") || key.contains(".") { return "a key holds '.' or starts with '$'" }
        if key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "a key holds control characters"
        }
        return nil
    }

    private static func length(_ value: String, _ name: String, _ maximum: Int) -> String? {
        value.utf8.count > maximum ? "\(name) is longer than \(maximum) bytes" : nil
    }
}

extension UInt8 {
    fileprivate var isASCIIIdentifierByte: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || self == UInt8(ascii: "_")
    }
}
