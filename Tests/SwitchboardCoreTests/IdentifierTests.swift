import Foundation
import SwitchboardCore
import Testing

@Suite("Ids")
struct IdentifierTests {
    @Test("UUIDv7 ids from one generator sort in creation order, also within one millisecond")
    func ordering() {
        let generator = UUIDv7Generator(now: { Date(timeIntervalSince1970: 1_750_000_000.5) })
        let ids = (0..<5000).map { _ in generator.next() }
        let strings = ids.map { $0.uuidString.lowercased() }
        #expect(strings == strings.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.uuidString.lowercased().dropFirst(14).first == "7" })
    }

    @Test("UUIDv7 carries the time and orders across milliseconds even if the clock steps back")
    func timestamp() {
        let clock = Clock()
        let generator = UUIDv7Generator(now: { clock.now })
        clock.now = Date(timeIntervalSince1970: 1_750_000_000.123)
        let first = generator.next()
        #expect(UUIDv7Generator.milliseconds(of: first) == 1_750_000_000_123)
        clock.now = Date(timeIntervalSince1970: 1_749_999_999)
        let second = generator.next()
        #expect(first.uuidString.lowercased() < second.uuidString.lowercased())
        #expect(UUIDv7Generator.milliseconds(of: UUID()) == nil)
    }

    @Test("derived reply ids are deterministic, version 5, and differ by stage and source")
    func derived() throws {
        let inbound = try #require(UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
        // RFC 9562 appendix A.4 test vector: UUIDv5(DNS namespace, "www.example.com").
        #expect(
            DerivedID.make(from: inbound, name: "www.example.com").uuidString.lowercased()
                == "2ed6657d-e927-568b-95e1-2665a8aea6a2")
        let a = DerivedID.make(from: inbound, name: "nlp-plugin")
        #expect(a == DerivedID.make(from: inbound, name: "nlp-plugin"))
        #expect(a != DerivedID.make(from: inbound, name: "human-handover"))
        #expect(a != DerivedID.make(from: UUID(), name: "nlp-plugin"))
    }

    @Test("derived ids from parts are framed: a separator inside a part cannot make two lists one id")
    func framedParts() throws {
        let namespace = try #require(UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
        #expect(
            DerivedID.make(from: namespace, parts: ["u|a", "b"])
                != DerivedID.make(from: namespace, parts: ["u", "a|b"]))
        #expect(
            DerivedID.make(from: namespace, parts: ["ab", ""]) != DerivedID.make(from: namespace, parts: ["a", "b"]))
        #expect(DerivedID.make(from: namespace, parts: ["1:a"]) != DerivedID.make(from: namespace, parts: ["1", "a"]))
        #expect(DerivedID.framed(["é", "b"]) == "2:é1:b")
        #expect(
            DerivedID.make(from: namespace, parts: ["x", "y"]) == DerivedID.make(from: namespace, parts: ["x", "y"]))
    }

    @Test("constant-time comparison")
    func constantTime() {
        #expect(ConstantTime.equals("secret-key", "secret-key"))
        #expect(!ConstantTime.equals("secret-key", "secret-kez"))
        #expect(!ConstantTime.equals("secret-key", "secret-key2"))
        #expect(!ConstantTime.equals("", "a"))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
    }
}

final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var value = Date()
    var now: Date {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
