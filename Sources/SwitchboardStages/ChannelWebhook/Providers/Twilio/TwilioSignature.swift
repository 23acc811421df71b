import Crypto
import Foundation
import SwitchboardCore

/// Twilio's `X-Twilio-Signature`: base64(HMAC-SHA1(auth token, URL + every POST parameter's name and value,
/// sorted by name and then value, byte for byte)).
///
/// SHA-1 is Twilio's choice, not ours; swift-crypto keeps it under `Insecure`.
public enum TwilioSignature {
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

    /// Whether `header` is the signature of the request, checked with swift-crypto's constant-time comparison.
    public static func isValid(header: String, authToken: String, url: String, form: TwilioForm) -> Bool {
        guard let mac = Data(base64Encoded: header) else { return false }
        return HMAC<Insecure.SHA1>.isValidAuthenticationCode(
            mac, authenticating: stringToSign(url: url, form: form), using: SymmetricKey(data: Array(authToken.utf8)))
    }
}
