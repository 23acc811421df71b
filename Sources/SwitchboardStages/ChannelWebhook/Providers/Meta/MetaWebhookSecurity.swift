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

    /// `sha256=<hex HMAC-SHA256(app secret, raw body)>`, compared in constant time.
    public func verify(headers: HTTPFields, body: [UInt8], tenantId: String) throws(ChannelHTTPError) {
        guard let secret = secrets.credential(appSecretName, tenantId: tenantId) else {
            throw ChannelHTTPError(.unauthorized, "channel is not configured for this tenant")
        }
        guard let presented = headers.first(named: "x-hub-signature-256") else {
            throw ChannelHTTPError(.unauthorized, "missing X-Hub-Signature-256")
        }
        let expected = "sha256=" + HMAC.hex(HMAC.sha256(key: Array(secret.utf8), message: body))
        guard ConstantTime.equals(Array(expected.utf8), Array(presented.lowercased().utf8)) else {
            throw ChannelHTTPError(.unauthorized, "bad signature")
        }
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
