import Foundation
import SwitchboardCore
import Testing

/// Inputs the envelope fuzz target (`make fuzz`, fuzz-envelope) found: the decoder took them, and the
/// encoder then refused to write the envelope back, so the next stage to forward it would have failed.
/// Each must now be refused by the decoder itself, with the field's name.
@Suite("Envelope decoder: fuzz regressions")
struct EnvelopeDecoderFuzzRegressionTests {
    /// A reply as the pipeline writes it, with `received_at` replaced.
    func reply(receivedAt: String) -> [UInt8] {
        Array(
            """
            {"annotations":{},"channel":"whatsapp","content":{"text":"It ships today.","type":"text"},\
            "direction":"outbound","external_id":"16505551234","id":"ea04d7ab-a2f8-5ee1-951f-925da0cfea6a",\
            "kind":"message","received_at":"\(receivedAt)","reply_to":"0192d1a0-0000-7000-8000-000000000001",\
            "sender":{"type":"bot"},"tenant_id":"acme","trace_id":"trace-1","version":1}
            """.utf8)
    }

    /// fuzz-envelope crash-c6912feb61e7fbb8427e45dc88c1552bea0c2d42: a year-1012 date, and the edges of the
    /// dates the encoder writes.
    @Test(arguments: [
        "1012-12-02T00:00:00.000Z", "0444-12-02T00:00:00.000Z", "1969-12-31T23:59:59.999Z",
        "1969-12-31T23:59:59Z",
    ])
    func aDateTheEncoderCannotWriteIsRefusedWhenDecoding(_ receivedAt: String) {
        #expect(throws: EnvelopeDecodingError(.invalidField("received_at", "expected a date from 1970 to 9999"))) {
            try EnvelopeCodec().decode(reply(receivedAt: receivedAt))
        }
    }

    @Test(arguments: ["1970-01-01T00:00:00.000Z", "2026-12-02T00:00:00.123Z", "9999-12-31T23:59:59.000Z"])
    func aDateInRangeDecodesAndIsWrittenBackUnchanged(_ receivedAt: String) throws {
        let codec = EnvelopeCodec()
        let envelope = try codec.decode(reply(receivedAt: receivedAt))
        let once = try codec.encode(envelope)
        #expect(try codec.encode(try codec.decode(once)) == once)
        #expect(String(decoding: once, as: UTF8.self).contains(#""received_at":"\#(receivedAt)""#))
    }
}
