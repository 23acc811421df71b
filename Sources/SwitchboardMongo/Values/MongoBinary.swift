public import Foundation

/// BSON binary data (generic subtype 0) in a `Codable` document, such as a GridFS chunk's `data`.
///
/// It is `Codable` as Extended JSON's `{"$binary": {"base64": "…", "subType": "00"}}`, which libbson reads and
/// writes as real BSON binary, so other MongoDB tools see bytes, not text.
public struct MongoBinary: Sendable, Hashable, Codable {
    /// The bytes.
    public var data: Data

    public init(_ data: Data) { self.data = data }

    private enum CodingKeys: String, CodingKey {
        case binary = "$binary"
    }

    private enum BinaryKeys: String, CodingKey {
        case base64
        case subType
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let binary = try container.nestedContainer(keyedBy: BinaryKeys.self, forKey: .binary)
        let text = try binary.decode(String.self, forKey: .base64)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .base64, in: binary, debugDescription: "not base64")
        }
        self.data = data
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var binary = container.nestedContainer(keyedBy: BinaryKeys.self, forKey: .binary)
        try binary.encode(data.base64EncodedString(), forKey: .base64)
        try binary.encode("00", forKey: .subType)
    }
}
