import Foundation
public import Hummingbird

/// Finds the tenant of a web chat request from `Authorization: Bearer <key>` or `X-Api-Key: <key>`
/// (and, where allowed, `?api_key=`, for browsers' `EventSource`, which cannot set headers).
public struct WebChatAuthenticator: Sendable {
    private let secrets: TenantSecrets

    public init(secrets: TenantSecrets) {
        self.secrets = secrets
    }

    /// The tenant id, or a 401 ``ChannelHTTPError``.
    public func tenant(of request: Request, allowQueryKey: Bool = false) throws(ChannelHTTPError) -> String {
        var key: String?
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                key = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        if key == nil { key = request.headers.first(named: "x-api-key") }
        if key == nil, allowQueryKey { key = request.uri.queryParameters.get("api_key") }
        guard let key, let tenant = secrets.tenant(forAPIKey: key) else {
            throw ChannelHTTPError(.unauthorized, "missing or invalid API key")
        }
        return tenant
    }
}

extension HTTPFields {
    /// The first value of the field called `lowercasedName` (names compare case-insensitively).
    func first(named lowercasedName: String) -> String? {
        first { $0.name.canonicalName == lowercasedName }?.value
    }
}
