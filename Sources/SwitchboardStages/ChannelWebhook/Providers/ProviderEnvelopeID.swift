public import Foundation
public import SwitchboardCore

/// Envelope ids derived from a provider's own message id, so a webhook the provider redelivers becomes
/// the same envelope (and downstream deduplication drops it).
public enum ProviderEnvelopeID {
    /// The UUIDv5 namespace of provider-derived envelope ids.
    public static let namespace = UUID(uuidString: "6f1c2a7e-3b9d-4e58-a0c4-5d2e8b7f9a10")!

    /// `DerivedID.make(from: namespace, parts: [channel, tenant] + parts)`: the parts are framed, so a vendor id
    /// that contains a separator cannot make two different messages one envelope.
    public static func make(channel: Channel, tenantId: String, _ parts: String...) -> UUID {
        DerivedID.make(from: namespace, parts: [channel.rawValue, tenantId] + parts)
    }

    /// A trace id for an envelope that arrived without one: the envelope id's 32 hex digits.
    public static func traceId(for id: UUID) -> String {
        id.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// `envelopes` (of one webhook) with one trace id, derived from the first one's id: a redelivered
    /// webhook is followed under the same trace id as the first delivery.
    public static func sharingTraceId(_ envelopes: [Envelope]) -> [Envelope] {
        guard let first = envelopes.first else { return envelopes }
        let traceId = traceId(for: first.id)
        return envelopes.map { envelope in
            var envelope = envelope
            envelope.traceId = traceId
            return envelope
        }
    }
}
