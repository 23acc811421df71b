import Foundation
public import SwitchboardCore
public import SwitchboardRuntime

/// customer-identification: finds or creates the customer's profile and re-keys the envelope by customer.
public struct IdentificationHandler: StageHandler {
    /// Customer ids are derived from the first identity a customer was seen with, so a redelivered or
    /// concurrently handled first message always yields the same id.
    static let customerNamespace = UUID(uuidString: "6f1c8d2e-3b4a-4c5d-9e8f-0a1b2c3d4e5f")!

    let profiles: ProfileStore
    let environment: DaemonEnvironment

    public init(profiles: ProfileStore, environment: DaemonEnvironment) {
        self.profiles = profiles
        self.environment = environment
    }

    public func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
        _ = try environment.tenant(envelope.tenantId)
        guard envelope.direction == .inbound else {
            throw StageFailure.permanent("customer-identification only takes inbound envelopes")
        }
        // The phone of SMS and WhatsApp addresses is derived from the address itself, so the same number on
        // both channels resolves to one customer. A shared contact card is someone else's, never merged.
        let inbound = InboundIdentity(channel: envelope.channel, externalId: envelope.externalId)
        let key = ProfileStore.identityKey(tenantId: envelope.tenantId, identity: inbound.identity)
        let newId = DerivedID.make(from: Self.customerNamespace, name: key).uuidString.lowercased()
        let decision = try await profiles.resolve(
            inbound, tenantId: envelope.tenantId, now: envelope.receivedAt, newCustomerId: newId)
        var identified = envelope
        identified.customerId = decision.profile.id
        switch decision {
        case .created:
            context.logger.info("New customer", metadata: ["customer_id": "\(decision.profile.id)"])
        case .existing(_, let match, _) where match != .identity:
            context.logger.info(
                "Identity merged into an existing customer",
                metadata: ["customer_id": "\(decision.profile.id)", "matched_by": "\(match.rawValue)"])
        case .existing:
            break
        }
        return [try .envelope(identified, to: context.topics.identified)]
    }
}
