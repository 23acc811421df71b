public import Foundation
public import SwitchboardCore
import SwitchboardMongo

/// Delivery statuses, whichever comes first: the provider's status webhook or our record of the send.
///
/// A provider may report `sent` or `delivered` for a message before the outbound stage has recorded the id
/// the provider gave it (WhatsApp often does within milliseconds). Such a status is parked in
/// `early_delivery_statuses` and applied when the send is recorded. Each side writes first and reads after,
/// so whichever order the two take, one of them sees the other: the webhook parks, then applies again; the
/// stage records the id, then applies what is parked. Parked statuses of messages we never sent (a business
/// also sending from the provider's own console) expire after ``earlyStatusRetention``.
extension MessageStore {
    /// How long a parked status waits for its message.
    public static let earlyStatusRetention: Duration = .seconds(7 * 24 * 3600)

    /// A status webhook whose message was not known yet.
    struct EarlyStatus: Codable, Sendable {
        var _id: String
        var tenant_id: String
        var provider_message_id: String
        var state: String
        var error: String?
        var received_at: Date
    }

    /// Records a successful send: the provider's id, and `sent` unless a status webhook already moved the
    /// message further; then applies any status that arrived before the id was known. Without an id (the
    /// provider took the message but named none) only the status changes.
    public func markSent(id: UUID, tenantId: String, providerMessageId: String?) async throws {
        let filter: MongoDocument = ["_id": .string(id.uuidString.lowercased())]
        var pending = filter
        pending["status"] = "pending"
        guard let providerMessageId else {
            _ = try await messages.updateOne(filter: pending, update: ["$set": ["status": "sent"]])
            return
        }
        _ = try await messages.updateOne(
            filter: filter, update: ["$set": ["provider_message_id": .string(providerMessageId)]])
        _ = try await messages.updateOne(filter: pending, update: ["$set": ["status": "sent"]])
        let parked = try await earlyStatuses.find(
            ["tenant_id": .string(tenantId), "provider_message_id": .string(providerMessageId)])
        for status in parked {
            guard let state = DeliveryStatus.State(rawValue: status.state) else { continue }
            try await applyDeliveryStatus(
                tenantId: tenantId, providerMessageId: providerMessageId, state: state, error: status.error)
        }
        if !parked.isEmpty {
            _ = try await earlyStatuses.deleteMany(
                ["tenant_id": .string(tenantId), "provider_message_id": .string(providerMessageId)])
        }
    }

    /// Records a status webhook: applied to its message when the provider's id is known, else parked until
    /// ``markSent(id:tenantId:providerMessageId:)`` records it. Returns whether a stored message changed.
    @discardableResult
    public func recordDeliveryStatus(
        tenantId: String, providerMessageId: String, state: DeliveryStatus.State, error: String?, at time: Date
    ) async throws -> Bool {
        if try await applyDeliveryStatus(
            tenantId: tenantId, providerMessageId: providerMessageId, state: state, error: error)
        {
            return true
        }
        let known = try await messages.count(
            ["tenant_id": .string(tenantId), "provider_message_id": .string(providerMessageId)])
        if known > 0 {
            // Known now: either it already is at this state or further, or its send was recorded just after
            // the first try, and this one applies it.
            return try await applyDeliveryStatus(
                tenantId: tenantId, providerMessageId: providerMessageId, state: state, error: error)
        }
        let parked = EarlyStatus(
            _id: "\(tenantId)|\(providerMessageId)|\(state.rawValue)", tenant_id: tenantId,
            provider_message_id: providerMessageId, state: state.rawValue, error: error, received_at: time)
        _ = try await earlyStatuses.replaceOne(filter: ["_id": .string(parked._id)], replacement: parked, upsert: true)
        // The send may have been recorded since the first try; then this applies it (and the parked copy
        // expires unused, or is removed by a later send record).
        return try await applyDeliveryStatus(
            tenantId: tenantId, providerMessageId: providerMessageId, state: state, error: error)
    }

    /// A read receipt without message ids (Messenger's watermark): every reply to the customer on `channel`
    /// stored up to `watermark` that was sent or delivered is now read. Returns how many changed.
    @discardableResult
    public func applyReadWatermark(
        tenantId: String, channel: Channel, externalId: String, upTo watermark: Date
    ) async throws -> Int {
        let result = try await messages.updateMany(
            filter: [
                "tenant_id": .string(tenantId), "channel": .string(channel.rawValue),
                "external_id": .string(externalId), "direction": .string(Direction.outbound.rawValue),
                "status": ["$in": ["sent", "delivered"]], "created_at": ["$lte": .date(watermark)],
            ],
            update: ["$set": ["status": .string(DeliveryStatus.State.read.rawValue)]])
        return result.modifiedCount
    }
}
