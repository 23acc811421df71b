/// A BSON ObjectId, the server's default `_id`.
///
/// It is `Codable` as `{"$oid": "<hex>"}`, so a document type may declare `let _id: MongoObjectId`.
public struct MongoObjectId: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 24 lowercase hexadecimal characters.
    public let hex: String

    /// Parses 24 hexadecimal characters; `nil` for anything else.
    public init?(_ hex: String) {
        let lowered = hex.lowercased()
        guard lowered.utf8.count == 24, lowered.allSatisfy(\.isHexDigit) else { return nil }
        self.hex = lowered
    }

    public var description: String { hex }

    private enum CodingKeys: String, CodingKey {
        case oid = "$oid"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .oid)
        guard let parsed = MongoObjectId(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .oid, in: container, debugDescription: "not a 24-character hexadecimal ObjectId")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hex, forKey: .oid)
    }
}
