import Crypto
import Foundation
public import Hummingbird
import SwitchboardCore

/// What WhatsApp Cloud API and Messenger share on the inbound side: the `X-Hub-Signature-256` check and
/// the `hub.challenge` subscription handshake.
public struct MetaWebhookSecurity: Sendable {
    /// Tenant credential holding the app secret (`WHATSAPP_APP_SECRET`, `MESSENGER_APP_SECRET`).
    public var appSecretName: String
    /// Tenant credential holding the verify token (`WHATSAPP_VERIFY_TOKEN`, `MESSENGER_VERIFY_TOKEN`).
    public var verifyTokenName: String
    public var secrets: TenantSecrets

    public init(appSecretName: String, verifyTokenName: String, secrets: TenantSecrets) {
        self.appSecretName = appSecretName
        self.verifyTokenName = verifyTokenName
        self.secrets = secrets
    }

    /// `sha256=<hex HMAC-SHA256(app secret, raw body)>`, checked by swift-crypto in constant time.
    public func verify(headers: HTTPFields, body: [UInt8], tenantId: String) throws(ChannelHTTPError) {
        guard let secret = secrets.credential(appSecretName, tenantId: tenantId) else {
            throw ChannelHTTPError(.unauthorized, "channel is not configured for this tenant")
        }
        guard let presented = headers.first(named: "x-hub-signature-256") else {
            throw ChannelHTTPError(.unauthorized, "missing X-Hub-Signature-256")
        }
        guard Self.isValid(signature: presented, body: body, appSecret: secret) else {
            throw ChannelHTTPError(.unauthorized, "bad signature")
        }
    }

    /// The `X-Hub-Signature-256` value Meta sends with `body`: `sha256=` and the lowercase hex HMAC-SHA256 of
    /// the raw body keyed with the app secret. For clients that sign webhooks (the CLI's simulator, tests).
    public static func signature(body: [UInt8], appSecret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(appSecret.utf8)))
        return "sha256=" + Hex.encode(mac)
    }

    /// Whether `signature` (`sha256=<hex>`, either case) is the HMAC-SHA256 of `body` with `appSecret`.
    public static func isValid(signature: String, body: [UInt8], appSecret: String) -> Bool {
        let presented = Array(signature.lowercased().utf8)
        let prefix = Array("sha256=".utf8)
        guard presented.starts(with: prefix), let mac = Hex.decode(presented.dropFirst(prefix.count)) else {
            return false
        }
        return HMAC<SHA256>.isValidAuthenticationCode(
            mac, authenticating: body, using: SymmetricKey(data: Array(appSecret.utf8)))
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
