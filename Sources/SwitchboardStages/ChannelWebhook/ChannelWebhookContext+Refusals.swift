import Logging
public import SwitchboardCore
import SwitchboardObservability

extension ChannelWebhookContext {
    /// Logs a refused channel request at warning: channel, tenant, status and the short reason. Never the
    /// body, a header or a secret (reasons never carry them).
    public func logRefusal(_ refusal: ChannelHTTPError, channel: Channel, tenantId: String) {
        logger.warning(
            "Webhook refused",
            metadata: [
                LogKeys.channel: "\(channel.rawValue)", LogKeys.tenant: "\(tenantId)",
                "status": "\(refusal.status.code)", "reason": "\(refusal.reason)",
            ])
    }

    /// `envelopes` after ``InboundValueCheck``: out-of-range messages as `unsupported`, envelopes without a
    /// usable customer address left out; each logged at warning with its reason.
    public func checked(_ envelopes: [Envelope], channel: Channel, tenantId: String) -> [Envelope] {
        envelopes.compactMap { envelope in
            switch InboundValueCheck.check(envelope) {
            case .accepted(let envelope):
                return envelope
            case .unsupported(let envelope, let reason):
                logger.warning(
                    "Inbound value out of range: kept as unsupported",
                    metadata: [
                        LogKeys.channel: "\(channel.rawValue)", LogKeys.tenant: "\(tenantId)",
                        LogKeys.traceId: "\(envelope.traceId)", "reason": "\(reason)",
                    ])
                return envelope
            case .dropped(let reason):
                logger.warning(
                    "Inbound value out of range: left out",
                    metadata: [
                        LogKeys.channel: "\(channel.rawValue)", LogKeys.tenant: "\(tenantId)", "reason": "\(reason)",
                    ])
                return nil
            }
        }
    }
}
