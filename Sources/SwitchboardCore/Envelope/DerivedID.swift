import Crypto
public import Foundation

/// Deterministic ids derived from another id: a UUIDv5 (SHA-1, RFC 9562) with the source id as the
/// namespace and a name such as a stage name.
///
/// Used for idempotent replies: `make(from: inbound.id, name: "nlp-plugin")` is the same on every
/// redelivery of the inbound message, so the reply can be deduplicated downstream. SHA-1 is what RFC 9562
/// prescribes for version 5; nothing here depends on it resisting collisions.
public enum DerivedID {
    /// Derives a version-5 UUID from `namespace` and `name`.
    public static func make(from namespace: UUID, name: String) -> UUID {
        var bytes = Array(Insecure.SHA1.hash(data: namespace.byteArray + Array(name.utf8)).prefix(16))
        bytes[6] = 0x50 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return UUID(bytes: bytes)
    }

    /// Derives a version-5 UUID from `namespace` and several parts, each framed by its UTF-8 length
    /// (`3:abc1:d`), so no two different lists of parts give the same name: `["u|a", "b"]` and
    /// `["u", "a|b"]`, joined by a separator, would.
    public static func make(from namespace: UUID, parts: [String]) -> UUID {
        make(from: namespace, name: framed(parts))
    }

    /// The framed name of `parts`: each part as `<UTF-8 length>:<part>`.
    public static func framed(_ parts: [String]) -> String {
        parts.map { "\($0.utf8.count):\($0)" }.joined()
    }
}
