import Crypto
public import Foundation

/// A customer whose data was erased: what the pipeline must recognise of them in records still in flight.
///
/// It keeps no personal data in clear: the channel identities (tenant, channel, address) only as SHA-256
/// digests, enough to recognise a record from the same address that arrived before the erasure.
public struct Erasure: Sendable, Hashable, Codable {
    public var tenantId: String
    public var customerId: String
    /// ``Erasure/identityDigest(tenantId:channel:externalId:)`` of each of the customer's channel identities.
    public var identityDigests: [String]
    public var erasedAt: Date

    public init(tenantId: String, customerId: String, identityDigests: [String], erasedAt: Date) {
        self.tenantId = tenantId
        self.customerId = customerId
        self.identityDigests = identityDigests
        self.erasedAt = erasedAt
    }

    /// The hex SHA-256 of a channel identity.
    public static func identityDigest(tenantId: String, channel: Channel, externalId: String) -> String {
        identityDigest(key: identityKey(tenantId: tenantId, channel: channel, externalId: externalId))
    }

    /// The hex SHA-256 of an identity key.
    public static func identityDigest(key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A channel identity as one text, `tenant|channel|address`: the `_id` of its document in `identities`.
    public static func identityKey(tenantId: String, channel: Channel, externalId: String) -> String {
        "\(tenantId)|\(channel.rawValue)|\(externalId)"
    }
}

/// Decides which records in flight belong to an erased customer and are dropped rather than handled.
///
/// - A record that carries an erased customer id is dropped, whenever it arrives: that id is gone for good.
/// - A record not yet identified (no customer id) is dropped when it came from an erased customer's address
///   and was received at or before the erasure. One received later starts a new profile.
public struct ErasureFence: Sendable {
    private let customers: Set<String>
    private let identities: [String: Date]

    public init(_ erasures: [Erasure]) {
        customers = Set(erasures.map { "\($0.tenantId)|\($0.customerId)" })
        var identities: [String: Date] = [:]
        for erasure in erasures {
            for digest in erasure.identityDigests {
                identities[digest] = max(identities[digest] ?? .distantPast, erasure.erasedAt)
            }
        }
        self.identities = identities
    }

    public var isEmpty: Bool { customers.isEmpty }

    /// Whether the customer was erased.
    public func erased(tenantId: String, customerId: String) -> Bool {
        customers.contains("\(tenantId)|\(customerId)")
    }

    /// Whether `envelope` belongs to an erased customer.
    public func drops(_ envelope: Envelope) -> Bool {
        if let customer = envelope.customerId {
            return customers.contains("\(envelope.tenantId)|\(customer)")
        }
        let digest = Erasure.identityDigest(
            tenantId: envelope.tenantId, channel: envelope.channel, externalId: envelope.externalId)
        guard let erasedAt = identities[digest] else { return false }
        return envelope.receivedAt <= erasedAt
    }
}
