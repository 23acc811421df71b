import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The project's own vendor-shaped webhook bodies (`Tests/Fixtures/channels`, see its README for the reference
/// page each follows), beside the shared captured fixtures.
enum InboundPayloads {
    static var root: URL { TestStack.repositoryRoot.appendingPathComponent("Tests/Fixtures/channels") }

    static func bytes(_ path: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: root.appendingPathComponent(path)))
    }

    /// The file as JSON, to compare what an envelope keeps with what the vendor sent.
    static func raw(_ path: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes(path)))
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes(path))) as? [String: Any])
    }
}

extension Envelope {
    /// The channel extension at `path` (dot-separated keys).
    func extensionValue(_ path: String) -> JSONValue? {
        JSONValue.object(channelExtensions)[path: path]
    }

    /// The envelope as the next stage reads it: encoded and decoded again.
    func roundTripped() throws -> Envelope {
        try EnvelopeCodec().decode(try EnvelopeCodec().encode(self))
    }

    /// The reason an ``InboundValueCheck`` gives for publishing this envelope as `unsupported`, nil when it is
    /// accepted; the unsupported envelope carries it too.
    func unsupportedReason() -> String? {
        guard case .unsupported(let checked, let reason) = InboundValueCheck.check(self) else { return nil }
        #expect(checked.kind == .unsupported)
        #expect(checked.unknownFields["unsupported"]?[path: "reason"] == .string(reason))
        return reason
    }
}

extension JSONValue {
    /// Element `index` of the array under `key`.
    subscript(_ key: String, _ index: Int) -> JSONValue? {
        self[path: key]?[index: index]
    }

    /// Element `index` of this array.
    subscript(index index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}
