import Hummingbird
import NIOCore

/// The web chat API's abuse limits: requests per tenant and per client address (429 with `Retry-After`),
/// and database-bound requests in flight per tenant (``TenantConcurrency``).
struct WebChatGuardrails: Sendable {
    let perTenant: AdmissionLimiter?
    let perAddress: AdmissionLimiter?
    let database: TenantConcurrency

    init(configuration: ChannelWebhookConfiguration) {
        func limiter(_ rate: Double) -> AdmissionLimiter? {
            rate > 0 ? AdmissionLimiter(rate: rate, burst: max(1, Int(rate * 2))) : nil
        }
        perTenant = limiter(configuration.webChatRatePerTenant)
        perAddress = limiter(configuration.webChatRatePerAddress)
        database = TenantConcurrency(limit: max(1, configuration.webChatDatabasePerTenant))
    }

    /// Throws 429 with `Retry-After` when the tenant or the client's address is over its rate.
    func admit(_ request: Request, _ context: ChannelRequestContext, tenant: String) throws(ChannelHTTPError) {
        if let address = context.remoteAddress?.ipAddress, let wait = perAddress?.retryAfter(address) {
            throw ChannelHTTPError(.tooManyRequests, "too many requests from this address", retryAfter: wait)
        }
        if let wait = perTenant?.retryAfter(tenant) {
            throw ChannelHTTPError(.tooManyRequests, "too many requests for this tenant", retryAfter: wait)
        }
    }
}
