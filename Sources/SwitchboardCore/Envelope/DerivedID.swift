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
}
