public import Foundation
import JWTKit

/// Server-signed visitor tokens: a web chat visitor gets one with each answer, and it alone lets a client read
/// or continue that visitor's conversation. The tenant's web chat key is public (it sits in the business's
/// page), so the key alone must not open anyone's conversation.
///
/// A token is a JWT (HS256, jwt-kit) over the tenant, the user and the conversation, with an expiry. The key
/// comes from `SWITCHBOARD_WEBCHAT_TOKEN_SECRET`; every channel-webhook instance needs the same one.
public struct VisitorTokens: Sendable {
    /// What a token binds.
    struct Claims: JWTPayload, Equatable {
        /// Tenant id.
        var tid: String
        /// The visitor's user id.
        var sub: String
        /// Conversation id.
        var cid: String
        var exp: ExpirationClaim

        /// Expiry is checked against the context's clock by ``VisitorTokens/verify(_:tenantId:userId:conversationId:)``.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Why a token was refused.
    public enum Refusal: Error, Sendable, Equatable {
        /// Not a token this server signed (or not a token at all).
        case invalid
        /// Signed here, but expired.
        case expired
        /// Signed here, for another tenant, visitor or conversation.
        case otherConversation
    }

    private let keys: Keys
    /// How long a token stays valid. Each answer carries a fresh one.
    public let lifetime: TimeInterval

    /// Tokens signed with `secret` (at least 32 bytes), valid for `lifetime` seconds.
    public init(secret: [UInt8], lifetime: TimeInterval = 7 * 24 * 3600) {
        self.keys = Keys(secret: secret)
        self.lifetime = lifetime
    }

    /// 32 random bytes, for a process without `SWITCHBOARD_WEBCHAT_TOKEN_SECRET` (and for tests): its tokens
    /// do not outlive the process and no other instance accepts them.
    public static func randomSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// A token for `userId`'s `conversationId` of `tenantId`, valid from `now` for ``lifetime``.
    public func issue(tenantId: String, userId: String, conversationId: String, now: Date) async throws -> String {
        try await keys.collection().sign(
            Claims(tid: tenantId, sub: userId, cid: conversationId, exp: .init(value: now.addingTimeInterval(lifetime)))
        )
    }

    /// Checks that `token` was signed here for exactly this tenant, visitor and conversation, and is
    /// unexpired at `now`.
    public func verify(
        _ token: String, tenantId: String, userId: String, conversationId: String, now: Date
    ) async throws(Refusal) {
        let claims: Claims
        do {
            claims = try await keys.collection().verify(token, as: Claims.self)
        } catch {
            throw .invalid
        }
        guard claims.tid == tenantId, claims.sub == userId, claims.cid == conversationId else {
            throw .otherConversation
        }
        guard now < claims.exp.value else { throw .expired }
    }

    /// The key collection, made on first use (jwt-kit's collection is an actor).
    private actor Keys {
        let secret: [UInt8]
        var keys: JWTKeyCollection?

        init(secret: [UInt8]) { self.secret = secret }

        func collection() async -> JWTKeyCollection {
            if let keys { return keys }
            let made = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            keys = made
            return made
        }
    }
}
