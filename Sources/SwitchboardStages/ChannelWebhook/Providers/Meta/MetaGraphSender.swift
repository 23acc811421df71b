import Foundation
import SwitchboardCore

/// Sends one Graph API request (WhatsApp Cloud API, Messenger Send API) through ``ProviderSender`` and maps
/// the answer to a ``DeliveryOutcome``.
struct MetaGraphSender: Sendable {
    var sender: ProviderSender
    var limiter: RateLimiter

    /// Posts `request`; `messageId` picks the provider message id out of a 2xx body. A 2xx is sent, with or
    /// without an id: Graph took the message.
    func send(
        _ request: ProviderHTTPRequest, account: String, messageId: @Sendable ([UInt8]) -> String?
    ) async -> DeliveryOutcome {
        await sender.send(request, account: account, limits: [.init(limiter: limiter, key: account)]) { response in
            if response.isSuccess { return .done(.sent(providerMessageId: messageId(response.body))) }
            let reason = Self.errorReason(response)
            if RetryPolicy.isRetriable(status: response.status) {
                return .retry(.retriableFailure(reason: reason), retryAfter: response.retryAfter)
            }
            return .done(.permanentFailure(reason: reason))
        }
    }

    private struct GraphErrorBody: Decodable {
        struct GraphError: Decodable {
            var message: String?
            var code: Int?
            var error_subcode: Int?
        }
        var error: GraphError?
    }

    /// `<message> (code <code>)` from Graph's `{"error": {...}}`, else the HTTP status. The message may quote
    /// the recipient's number; it goes into logs and dead letters, so addresses are scrubbed out.
    static func errorReason(_ response: ProviderHTTPResponse) -> String {
        guard let body = try? JSONDecoder().decode(GraphErrorBody.self, from: Data(response.body)),
            let error = body.error, let message = error.message
        else { return "HTTP \(response.status)" }
        var reason = LogPrivacy.scrubbed(message)
        if let code = error.code { reason += " (code \(code))" }
        if let subcode = error.error_subcode { reason += " (subcode \(subcode))" }
        return reason
    }
}
