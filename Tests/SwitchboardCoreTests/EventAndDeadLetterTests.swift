import Foundation
import SwitchboardCore
import Testing

@Suite("Events and dead letters")
struct EventAndDeadLetterTests {
    @Test("an event round trips with snake_case keys")
    func event() throws {
        let event = SwitchboardEvent(
            id: UUIDv7Generator().next(), type: .handoverStarted, tenantId: "demo", customerId: "c-1",
            sessionId: "s-1", traceId: "t-1", occurredAt: Date(timeIntervalSince1970: 1_750_000_000.25),
            details: ["reason": "low_confidence", "handover_id": "h-1"])
        let data = try SwitchboardJSON.makeEncoder().encode(event)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains(#""type":"handover_started""#))
        #expect(json.contains(#""occurred_at":"2025-06-15T15:06:40.250Z""#))
        #expect(try SwitchboardJSON.makeDecoder().decode(SwitchboardEvent.self, from: data) == event)
    }

    @Test("a dead letter keeps the original bytes as base64")
    func deadLetter() throws {
        let original: [UInt8] = [0xFF, 0x00, 0x7B]
        let letter = DeadLetter(
            originalTopic: "switchboard.inbound", partition: 3, offset: 42, key: "demo|sms|+1555",
            originalBytes: original, reason: EnvelopeDecodingError(.notJSON).description,
            stage: "customer-identification",
            failedAt: Date(timeIntervalSince1970: 1_750_000_000), traceId: nil)
        let data = try SwitchboardJSON.makeEncoder().encode(letter)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["original_base64"] as? String == "/wB7")
        #expect(object["reason"] as? String == "envelope is not valid JSON")
        #expect(try SwitchboardJSON.makeDecoder().decode(DeadLetter.self, from: data) == letter)
    }

    @Test("dates parse with and without fractional seconds and with offsets")
    func dates() {
        #expect(SwitchboardJSON.parseDate("2025-01-01T00:00:00Z") == Date(timeIntervalSince1970: 1_735_689_600))
        #expect(SwitchboardJSON.parseDate("2025-01-01T00:00:00.500Z") == Date(timeIntervalSince1970: 1_735_689_600.5))
        #expect(SwitchboardJSON.parseDate("2025-01-01T01:00:00+01:00") == Date(timeIntervalSince1970: 1_735_689_600))
        #expect(SwitchboardJSON.parseDate("01/01/2025") == nil)
    }
}
