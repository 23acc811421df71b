internal import Crypto
public import Foundation

/// How intent actions are signed: `X-Switchboard-Signature: sha256=<hex HMAC-SHA256(secret,
/// "<timestamp>.<body>")>` with `X-Switchboard-Timestamp: <unix seconds>`, so the business's server can
/// check both who sent the call and that it is recent.
public enum ActionSignature {
    /// The signature header.
    public static let signatureHeader = "X-Switchboard-Signature"
    /// The timestamp header.
    public static let timestampHeader = "X-Switchboard-Timestamp"

    /// The signature header's value for `body` sent at `timestamp`.
    public static func sign(body: [UInt8], timestamp: Int, secret: String) -> String {
        var signed = Array("\(timestamp).".utf8)
        signed += body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` is right for `body` and `timestamp`, and the timestamp within `tolerance` seconds
    /// of `now`: what an action server checks.
    public static func verify(
        body: [UInt8], timestamp: String, signature: String, secret: String, now: Date = Date(),
        tolerance: TimeInterval = 300
    ) -> Bool {
        guard let seconds = Int(timestamp), abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else {
            return false
        }
        let expected = sign(body: body, timestamp: seconds, secret: secret)
        return ConstantTime.equals(Array(expected.utf8), Array(signature.utf8))
    }
}
