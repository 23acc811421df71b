import Foundation

/// JSON values compared by their canonical text (sorted keys), so a test can state a vendor's request body
/// as the JSON a vendor documents.
enum CanonicalJSON {
    /// `value` (a decoded JSON value) as canonical JSON text.
    static func of(_ value: Any?) throws -> String {
        String(
            decoding: try JSONSerialization.data(
                withJSONObject: value ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]),
            as: UTF8.self)
    }

    /// `json` as canonical JSON text.
    static func of(json: String) throws -> String {
        try of(try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed))
    }
}
