import Crypto
import Foundation
public import Hummingbird
import SwitchboardCore

/// What WhatsApp Cloud API and Messenger share on the inbound side: the signature check and the
/// `hub.challenge` subscription handshake.
///
/// Meta signs every webhook twice: `X-Hub-Signature-256` (`sha256=<hex HMAC-SHA256>`) and the legacy
/// `X-Hub-Signature` (`sha1=<hex HMAC-SHA1>`), both keyed with the app secret over the raw body. A request is
/// accepted on a valid SHA-256 signature, or on a valid SHA-1 one where the tenant enabled it (``sha1Name``
/// set to `true`, for proxies that forward only the legacy header). A signature of either kind that is present
/// and wrong rejects the request, whatever the other one says.
public struct MetaWebhookSecurity: Sendable {
    /// Tenant credential holding the app secret (`WHATSAPP_APP_SECRET`, `MESSENGER_APP_SECRET`).
    public var appSecretName: String
    /// Tenant credential holding the verify token (`WHATSAPP_VERIFY_TOKEN`, `MESSENGER_VERIFY_TOKEN`).
    public var verifyTokenName: String
    /// Tenant setting that accepts the legacy SHA-1 signature alone when `true` (`WHATSAPP_SIGNATURE_SHA1`,
    /// `MESSENGER_SIGNATURE_SHA1`). Default: not set, SHA-256 required.
    public var sha1Name: String?
    public var secrets: TenantSecrets

    /// The header of the SHA-256 signature.
    public static let sha256Header = "x-hub-signature-256"
    /// The header of the legacy SHA-1 signature.
    public static let sha1Header = "x-hub-signature"

    public init(appSecretName: String, verifyTokenName: String, sha1Name: String? = nil, secrets: TenantSecrets) {
        self.appSecretName = appSecretName
        self.verifyTokenName = verifyTokenName
        self.sha1Name = sha1Name
        self.secrets = secrets
    }

    /// Whether the tenant accepts a request signed with the legacy SHA-1 signature alone.
    public func acceptsSHA1(tenantId: String) -> Bool {
        guard let sha1Name, let value = secrets.credential(sha1Name, tenantId: tenantId) else { return false }
        return ["true", "1", "yes"].contains(value.lowercased())
    }

    /// Checks the request's signatures, each with swift-crypto's constant-time comparison: 401 unless a
    /// valid accepted one is present and no present one is wrong.
    public func verify(headers: HTTPFields, body: [UInt8], tenantId: String) throws(ChannelHTTPError) {
        guard let secret = secrets.credential(appSecretName, tenantId: tenantId) else {
            throw ChannelHTTPError(.unauthorized, "channel is not configured for this tenant")
        }
        let sha256 = headers.first(named: Self.sha256Header)
        let sha1 = headers.first(named: Self.sha1Header)
        if let sha256, !Self.isValid(signature: sha256, body: body, appSecret: secret) {
            throw ChannelHTTPError(.unauthorized, "bad signature")
        }
        if let sha1, !Self.isValidSHA1(signature: sha1, body: body, appSecret: secret) {
            throw ChannelHTTPError(.unauthorized, "bad X-Hub-Signature")
        }
        if sha256 != nil { return }
        guard sha1 != nil, acceptsSHA1(tenantId: tenantId) else {
            throw ChannelHTTPError(.unauthorized, "missing X-Hub-Signature-256")
        }
    }

    /// The `X-Hub-Signature-256` value Meta sends with `body`: `sha256=` and the lowercase hex HMAC-SHA256 of
    /// the raw body keyed with the app secret. For clients that sign webhooks (the CLI's simulator, tests).
    public static func signature(body: [UInt8], appSecret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(appSecret.utf8)))
        return "sha256=" + Hex.encode(mac)
    }

    /// The legacy `X-Hub-Signature` value: `sha1=` and the lowercase hex HMAC-SHA1 of the raw body.
    public static func sha1Signature(body: [UInt8], appSecret: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: body, using: SymmetricKey(data: Array(appSecret.utf8)))
        return "sha1=" + Hex.encode(mac)
    }

    /// Whether `signature` (`sha256=<hex>`, either case) is the HMAC-SHA256 of `body` with `appSecret`.
    public static func isValid(signature: String, body: [UInt8], appSecret: String) -> Bool {
        guard let mac = digest(of: signature, prefix: "sha256=") else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            mac, authenticating: body, using: SymmetricKey(data: Array(appSecret.utf8)))
    }

    /// Whether `signature` (`sha1=<hex>`, either case) is the HMAC-SHA1 of `body` with `appSecret`.
    public static func isValidSHA1(signature: String, body: [UInt8], appSecret: String) -> Bool {
        guard let mac = digest(of: signature, prefix: "sha1=") else { return false }
        return HMAC<Insecure.SHA1>.isValidAuthenticationCode(
            mac, authenticating: body, using: SymmetricKey(data: Array(appSecret.utf8)))
    }

    private static func digest(of signature: String, prefix: String) -> [UInt8]? {
        let presented = Array(signature.lowercased().utf8)
        let prefix = Array(prefix.utf8)
        guard presented.starts(with: prefix) else { return nil }
        return Hex.decode(presented.dropFirst(prefix.count))
    }

    /// The handshake route's answer: 200 with `hub.challenge` as text/plain, else 403 (404 for an unknown
    /// tenant).
    public func handshake(_ request: Request, tenantId: String, context: ChannelWebhookContext) throws -> Response {
        guard context.tenants.tenant(id: tenantId) != nil else { throw ChannelHTTPError(.notFound, "unknown tenant") }
        let query = request.uri.queryParameters
        let challenge = try challenge(
            mode: query.get("hub.mode"), verifyToken: query.get("hub.verify_token"),
            challenge: query.get("hub.challenge"), tenantId: tenantId)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: challenge)))
    }

    /// The challenge to echo when `mode` is `subscribe` and `verifyToken` equals the tenant's token
    /// (constant time); 403 otherwise.
    public func challenge(
        mode: String?, verifyToken: String?, challenge: String?, tenantId: String
    ) throws(ChannelHTTPError) -> String {
        guard let token = secrets.credential(verifyTokenName, tenantId: tenantId), mode == "subscribe",
            let verifyToken, ConstantTime.equals(Array(token.utf8), Array(verifyToken.utf8)), let challenge
        else {
            throw ChannelHTTPError(.forbidden, "verification failed")
        }
        return challenge
    }
}
