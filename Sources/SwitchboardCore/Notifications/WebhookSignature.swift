import Crypto
import Foundation

/// The signature of an outgoing notification webhook: `X-Switchboard-Signature: sha256=<hex>`, the
/// HMAC-SHA256 with the tenant's secret of `<timestamp>.<body>`, where `<timestamp>` is the value of
/// `X-Switchboard-Timestamp` (Unix seconds) and `<body>` the exact bytes received.
///
/// A receiver recomputes it over the raw body, compares in constant time and refuses timestamps more than a
/// few minutes old, so a captured request cannot be replayed later.
public enum WebhookSignature {
    /// The signature header's name.
    public static let signatureHeader = "X-Switchboard-Signature"
    /// The timestamp header's name.
    public static let timestampHeader = "X-Switchboard-Timestamp"

    /// `sha256=<lower-case hex>` of `timestamp.body` keyed with `secret`.
    public static func sign(body: [UInt8], timestamp: Int, secret: String) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` is the signature of `body` at `timestamp`, compared in constant time.
    public static func verify(signature: String, body: [UInt8], timestamp: Int, secret: String) -> Bool {
        ConstantTime.equals(Array(signature.utf8), Array(sign(body: body, timestamp: timestamp, secret: secret).utf8))
    }
}
