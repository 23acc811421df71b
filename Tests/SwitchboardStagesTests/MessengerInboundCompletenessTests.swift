import Foundation
import SwitchboardCore
import SwitchboardStages
import Testing

/// Issue #14: every field of a Messenger Platform webhook event survives into the envelope, typed where
/// Switchboard has a type, else verbatim under `channel_extensions`. Payloads follow Meta's *Webhook events*
/// reference (developers.facebook.com/docs/messenger-platform/reference/webhook-events: `messages`,
/// `messaging_postbacks`, `messaging_referrals`).
@Suite("Messenger inbound: nothing the vendor sends is lost")
struct MessengerInboundCompletenessTests {
    let adapter = MessengerAdapter(
        secrets: ProviderFixtures.secrets(["MESSENGER_PAGE_ID": "1234567890"]), configuration: ProviderConfiguration())

    func parse(_ body: [UInt8]) throws -> [Envelope] {
        try adapter.parse(
            body: body, headers: [:], tenantId: "acme", receivedAt: ProviderFixtures.receivedAt, ids: UUIDv7Generator())
    }

    func parse(_ payload: String) throws -> [Envelope] {
        try parse(try InboundPayloads.bytes("messenger/\(payload)"))
    }

    @Test func aReplyRelatesToTheMessageItAnswers() throws {
        let envelope = try #require(try parse("reply_to.json").first).roundTripped()
        #expect(envelope.content == .text("Yes, that one"))
        #expect(envelope.relatesTo == "m_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU")
        #expect(envelope.channelExtensions == ["recipient": .object(["id": .string("1234567890")])])
    }

    @Test func aPostbacksReferralIsKept() throws {
        let raw = try InboundPayloads.raw("messenger/postback_referral.json")
        let envelope = try #require(try parse("postback_referral.json").first).roundTripped()
        #expect(envelope.content == .interactive(.init(payload: "GET_STARTED", title: "Get Started")))
        #expect(envelope.extensionValue("postback.referral") != nil)
        #expect(
            envelope.extensionValue("postback.referral")
                == raw["entry", 0]?["messaging", 0]?[path: "postback.referral"])
        #expect(envelope.extensionValue("postback.payload") == nil)
    }

    @Test func aStandaloneReferralIsAnUnsupportedMessageWithTheReferral() throws {
        let raw = try InboundPayloads.raw("messenger/standalone_referral.json")
        let envelopes = try parse("standalone_referral.json").map { try $0.roundTripped() }
        #expect(envelopes.count == 1)
        let envelope = try #require(envelopes.first)
        #expect(envelope.kind == .unsupported)
        #expect(envelope.externalId == "5678")
        #expect(envelope.unknownFields["unsupported"]?[path: "type"] == .string("referral"))
        #expect(envelope.extensionValue("referral") == raw["entry", 0]?["messaging", 0]?[path: "referral"])
        #expect(envelope.extensionValue("referral.ads_context_data.ad_title") == .string("Spring sale"))
        let timestamp = try #require(envelope.channelTimestamp).timeIntervalSince1970
        #expect(abs(timestamp - 1_458_692_752.478) < 0.001)
        // A redelivery is the same envelope.
        #expect(try parse("standalone_referral.json").first?.id == envelope.id)
    }

    @Test func quickReplyPayloadsAndAdReferralsOnMessages() throws {
        let raw = try InboundPayloads.raw("messenger/quick_reply_ad_referral.json")
        let envelopes = try parse("quick_reply_ad_referral.json").map { try $0.roundTripped() }
        #expect(envelopes.count == 2)
        #expect(
            envelopes[0].content
                == .interactive(.init(payload: "DEVELOPER_DEFINED_PAYLOAD_FOR_PICKING_RED", title: "Red")))
        #expect(envelopes[0].extensionValue("message") == nil)
        #expect(envelopes[1].content == .text("Is this still available?"))
        #expect(
            envelopes[1].extensionValue("message.referral")
                == raw["entry", 0]?["messaging", 1]?[path: "message.referral"])
        #expect(envelopes[1].extensionValue("message.referral.ad_id") == .string("6045246247433"))
    }

    /// The shared postback fixture (courier's) carries a referral too.
    @Test func theSharedPostbackFixturesReferral() throws {
        let envelope = try #require(try parse(try ProviderFixtures.bytes("messenger/postback.json")).first)
        #expect(envelope.extensionValue("postback.referral") != nil)
    }

    @Test func valuesOutOfRangeBecomeUnsupportedWithTheReason() throws {
        let payload = try InboundPayloads.json("messenger/reply_to.json")
        let longReply = try ChannelTimestampTests.setting(
            payload, ["entry", 0, "messaging", 0, "message", "reply_to", "mid"], String(repeating: "m", count: 257))
        #expect(
            try parse(try ChannelTimestampTests.bytes(longReply)).first?.unsupportedReason()
                == "related message id is longer than 256 bytes")
    }
}
