import Crypto
import Foundation
import SwitchboardCore

/// Twilio's `X-Twilio-Signature`, checked as Twilio's helper libraries check it:
/// base64(HMAC-SHA1(auth token, URL + every POST parameter's name and value, sorted by name and then value,
/// byte for byte)).
///
/// - The URL is the full URL Twilio called, query string included. Twilio signs it with or without the
///   scheme's default port (443, 80) depending on the product, so both forms are accepted.
/// - A webhook with a JSON body carries `bodySHA256` (lowercase hex SHA-256 of the raw body) in its query:
///   the signature then covers the URL alone, and the body must hash to that value.
///
/// SHA-1 is Twilio's choice, not ours; swift-crypto keeps it under `Insecure`.
public enum TwilioSignature {
    /// The query parameter of JSON-body webhooks holding the body's SHA-256.
    public static let bodyHashParameter = "bodySHA256"

    /// The string Twilio signs for a request to `url` with `form`'s parameters.
    public static func stringToSign(url: String, form: TwilioForm) -> [UInt8] {
        let sorted = form.pairs.map { (Array($0.name.utf8), Array($0.value.utf8)) }.sorted { lhs, rhs in
            lhs.0 == rhs.0 ? lhs.1.lexicographicallyPrecedes(rhs.1) : lhs.0.lexicographicallyPrecedes(rhs.0)
        }
        return sorted.reduce(into: Array(url.utf8)) { $0 += $1.0 + $1.1 }
    }

    /// The expected header value.
    public static func expected(authToken: String, url: String, form: TwilioForm) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: stringToSign(url: url, form: form), using: SymmetricKey(data: Array(authToken.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// The lowercase hex SHA-256 of a JSON body, as Twilio puts it in the `bodySHA256` query parameter.
    public static func bodyHash(_ body: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: body))
    }

    /// Whether `header` is the signature of a form-encoded request to `url`, with `url` exactly as given or
    /// with its default port added or removed; each candidate is compared by swift-crypto in constant time.
    public static func isValid(header: String, authToken: String, url: String, form: TwilioForm) -> Bool {
        guard let mac = Data(base64Encoded: header) else { return false }
        let key = SymmetricKey(data: Array(authToken.utf8))
        var valid = false
        for candidate in urlVariants(url) {
            // No short cut: every candidate is checked whatever the earlier ones gave.
            let match = HMAC<Insecure.SHA1>.isValidAuthenticationCode(
                mac, authenticating: stringToSign(url: candidate, form: form), using: key)
            valid = valid || match
        }
        return valid
    }

    /// Whether `header` signs the request to `url` whose raw body is `body`: a JSON-body webhook when the
    /// URL's query carries `bodySHA256` (the body must hash to it, and the signature covers the URL alone),
    /// else a form-encoded one.
    public static func isValid(header: String, authToken: String, url: String, body: [UInt8]) -> Bool {
        guard let presentedHash = queryValue(bodyHashParameter, in: url) else {
            return isValid(header: header, authToken: authToken, url: url, form: TwilioForm(body: body))
        }
        let hashMatches = ConstantTime.equals(Array(presentedHash.lowercased().utf8), Array(bodyHash(body).utf8))
        let signatureMatches = isValid(header: header, authToken: authToken, url: url, form: TwilioForm(pairs: []))
        return hashMatches && signatureMatches
    }

    /// `url` as given, plus the same URL with the scheme's default port (443 for https, 80 for http) added
    /// when it names no port, or removed when it names the default one.
    public static func urlVariants(_ url: String) -> [String] {
        guard let schemeEnd = url.range(of: "://") else { return [url] }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard let defaultPort = ["https": "443", "http": "80"][scheme] else { return [url] }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = url[authorityStart...].firstIndex { "/?#".contains($0) } ?? url.endIndex
        let authority = url[authorityStart..<authorityEnd]
        // The port follows the last colon, after any `user@` and outside an IPv6 literal's brackets.
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let host = authority[hostStart...]
        let head = url[..<authorityStart] + authority[..<hostStart]
        let tail = url[authorityEnd...]
        if let colon = host.lastIndex(of: ":"), !host[colon...].contains("]") {
            let port = host[host.index(after: colon)...]
            guard port == defaultPort else { return [url] }
            return [url, String(head + host[..<colon] + tail)]
        }
        return [url, String(head + host + ":" + defaultPort + tail)]
    }

    /// The raw value of the first `name` parameter in `url`'s query.
    static func queryValue(_ name: String, in url: String) -> String? {
        guard let questionMark = url.firstIndex(of: "?") else { return nil }
        let query = url[url.index(after: questionMark)...].prefix { $0 != "#" }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }
}
