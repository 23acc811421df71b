import Crypto
import Foundation

/// What of personal data may go into a log line at info level and above: never the data itself.
///
/// Addresses (phone numbers, e-mail addresses, chat ids, PSIDs, IP addresses) appear as a short digest, so
/// operators can still tell that two lines are about the same address; free text that may quote one (a
/// vendor's or a mail server's error message) is scrubbed and trimmed first.
public enum LogPrivacy {
    /// The length of ``addressDigest(_:)``, in hex digits (48 bits: enough to correlate, not to look up).
    public static let digestLength = 12

    /// The first ``digestLength`` hex digits of the SHA-256 of `address`, for `addr_digest` metadata.
    ///
    /// A digest of a phone number can be found again by trying every number: it keeps addresses out of
    /// sight, it does not make them anonymous.
    public static func addressDigest(_ address: String) -> String {
        let hex = SHA256.hash(data: Data(address.utf8)).prefix(digestLength / 2).map { byte in
            String(byte, radix: 16).leftPadded(to: 2)
        }
        return hex.joined()
    }

    /// `text` with what may be personal data replaced by `[redacted]`: e-mail addresses, URLs, and runs of
    /// seven or more digits (phone numbers, chat ids, PSIDs; error codes are shorter), trimmed to `limit`
    /// characters. For reasons from outside (vendor error messages, SMTP replies) that go into a log line.
    public static func scrubbed(_ text: String, limit: Int = 160) -> String {
        var result = text
        for pattern in patterns {
            guard let expression = try? NSRegularExpression(pattern: pattern) else { continue }
            let range = NSRange(result.startIndex..., in: result)
            result = expression.stringByReplacingMatches(
                in: result, range: range, withTemplate: redaction)
        }
        guard result.count > limit else { return result }
        return String(result.prefix(limit)) + "…"
    }

    /// What replaces a scrubbed part.
    public static let redaction = "[redacted]"

    /// URLs first (they may hold an address), then e-mail addresses, then long digit runs with the separators
    /// phone numbers are written with.
    private static let patterns = [
        #"[A-Za-z][A-Za-z0-9+.\-]*://[^\s"'<>]+"#,
        #"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+"#,
        #"\+?\(?(?:\d[ \-().]{0,2}){6,}\d"#,
    ]
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
