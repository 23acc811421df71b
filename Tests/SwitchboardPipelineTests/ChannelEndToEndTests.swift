import Foundation
import SwitchboardCore
import SwitchboardKafka
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// Each provider channel through the six daemons as processes: a real vendor webhook (a shared fixture, signed
/// the vendor's way) in, and the bot's reply out through the vendor's send API, here a fake vendor server
/// answering with the vendor's documented success shape. Vendors retry webhooks, so each one is delivered
/// three times and must be stored and answered once; status webhooks move the stored reply forward.
@Suite("Each channel end to end, from the vendor's webhook to its send API", .serialized)
struct ChannelEndToEndTests {
    typealias Harness = ChannelEndToEndHarness

    /// One daemon set for all four channels: starting six daemons is the slow part.
    @Test func everyChannelAnswersThroughItsVendorOnceAndTracksDeliveryStatus() async throws {
        try await Harness.run { try await Self.run($0) }
    }

    static func run(_ harness: Harness) async throws {
        let replies = try Harness.possibleReplies()
        var sent: [(channel: Channel, tenant: String, path: String, delivery: Harness.Delivery)] = []
        let whatsApp = try await whatsApp(harness, replies: replies)
        sent.append((.whatsapp, "demo", whatsApp.path, whatsApp.delivery))
        let messenger = try await messenger(harness, replies: replies)
        sent.append((.messenger, "demo", messenger.path, messenger.delivery))
        let telegram = try await telegram(harness, replies: replies)
        sent.append((.telegram, "demo", telegram.path, telegram.delivery))
        let sms = try await twilioSMS(harness, replies: replies)
        sent.append((.sms, "demo", sms.path, sms.delivery))
        let twilioWhatsApp = try await twilioWhatsApp(harness, replies: replies)
        sent.append((.whatsapp, "shop", twilioWhatsApp.path, twilioWhatsApp.delivery))

        // Once the pipeline is quiet, every redelivery has been through every stage: still one message and
        // one reply per channel, and the vendor was asked to send each reply once.
        let topics = TopicNames(prefix: harness.daemons.prefix + ".")
        let records = try await harness.recordsOnceQuiet([topics.outbound, topics.deadletter])
        let outbound = try records.filter { $0.topic == topics.outbound }.map { try EnvelopeCodec().decode($0.value) }
        for (channel, tenant, path, delivery) in sent {
            #expect(harness.vendor.requests(to: path).count == 1, "\(channel): one send request for three webhooks")
            #expect(
                try await harness.stored(channel, .inbound, tenant: tenant).count == 1,
                "\(channel): one inbound message stored")
            #expect(
                try await harness.stored(channel, .outbound, tenant: tenant).count == 1, "\(channel): one reply stored")
            let replyIds = Set(
                outbound.filter { $0.replyTo?.uuidString.lowercased() == delivery.inbound._id }
                    .map { $0.id.uuidString.lowercased() })
            #expect(replyIds == [delivery.reply._id], "\(channel): the outbound topic carries one reply")
        }
        #expect(harness.vendor.requests.count == sent.count, "no other vendor requests")
        let deadLetters = records.filter { $0.topic == topics.deadletter }
        #expect(deadLetters.isEmpty, "dead letters: \(deadLetters.map { String(decoding: $0.value, as: UTF8.self) })")
    }

    /// The checks every channel shares: the reply is one the bot can give, it is what is stored and what the
    /// vendor got, and the stored reply is `sent` with the id the vendor answered.
    static func expectReply(
        _ delivery: Harness.Delivery, sentText: String?, providerMessageId: String, replies: [String],
        channel: Channel
    ) {
        #expect(!delivery.text.isEmpty, "\(channel): the reply has text")
        #expect(sentText == delivery.text, "\(channel): the vendor got the stored reply's text")
        #expect(Harness.isOne(of: replies, delivery.text), "\(channel): not a demo bot reply: \(delivery.text)")
        #expect(delivery.reply.status == "sent", "\(channel): \(delivery.reply.error ?? "")")
        #expect(delivery.reply.provider_message_id == providerMessageId)
        #expect(delivery.reply.reply_to == delivery.inbound._id)
    }

    static func whatsApp(
        _ harness: Harness, replies: [String]
    ) async throws -> (path: String, delivery: Harness.Delivery) {
        let fixture = try ChannelFixture.json("whatsapp/text.json")
        let message = try #require(ChannelFixture.value(fixture, "entry", 0, "changes", 0, "value", "messages", 0))
        let from = try #require(ChannelFixture.value(message, "from") as? String)
        let wamid = try #require(ChannelFixture.value(message, "id") as? String)
        let text = try #require(ChannelFixture.value(message, "text", "body") as? String)
        // The vendor answers with its documented shape, naming the message the status fixtures refer to.
        // The status fixtures come from another business number: as Meta would send them to this tenant, they
        // name the tenant's own (a status for another number is ignored).
        func forOurNumber(_ fixture: String) throws -> [UInt8] {
            Array(
                String(decoding: try ChannelFixture.bytes(fixture), as: UTF8.self).replacingOccurrences(
                    of: "\"1122334455667\"", with: "\"\(DemoCredentials.whatsAppPhoneNumberId)\""
                ).utf8)
        }
        let delivered = try forOurNumber("whatsapp/status_delivered.json")
        let statusId = try #require(
            ChannelFixture.value(
                try ChannelFixture.json("whatsapp/status_delivered.json"), "entry", 0, "changes", 0, "value",
                "statuses", 0, "id") as? String)
        let answer = try ChannelFixture.edited(try ChannelFixture.json("whatsapp/send_text_response.json")) {
            $0["messages"] = [["id": statusId]]
        }
        let path = "/v21.0/\(DemoCredentials.whatsAppPhoneNumberId)/messages"
        harness.vendor.script(path, [.json(200, answer)])

        let delivery = try await harness.deliverThreeTimes(
            .meta(
                channel: "whatsapp", tenant: "demo", body: try ChannelFixture.bytes("whatsapp/text.json"),
                appSecret: DemoCredentials.whatsAppAppSecret), channel: .whatsapp, sendPath: path)
        #expect(delivery.inbound.envelope.content == .text(text))
        #expect(delivery.inbound.envelope.channelMessageId == wamid)
        let request = delivery.request
        #expect(request.method == "POST")
        #expect(request.header("Authorization") == "Bearer \(DemoCredentials.whatsAppAccessToken)")
        #expect(request.header("Content-Type")?.hasPrefix("application/json") == true)
        let body = try request.json()
        #expect(body["messaging_product"] as? String == "whatsapp")
        #expect(body["recipient_type"] as? String == "individual")
        #expect(body["to"] as? String == "+" + from, "the fixture's sender, as in the documented send request")
        #expect(body["type"] as? String == "text")
        expectReply(
            delivery, sentText: ChannelFixture.value(body, "text", "body") as? String, providerMessageId: statusId,
            replies: replies, channel: .whatsapp)

        // Status webhooks for that message move the stored reply forward, and never back.
        let id = delivery.reply._id
        let signed = { (body: [UInt8]) in
            SignedWebhook.meta(
                channel: "whatsapp", tenant: "demo", body: body, appSecret: DemoCredentials.whatsAppAppSecret)
        }
        #expect(try await signed(delivered).post(to: harness.daemons).status == 200)
        _ = try await harness.waitForReply(id, "the WhatsApp reply marked delivered") { $0.status == "delivered" }
        #expect(
            try await signed(try forOurNumber("whatsapp/status_read.json")).post(to: harness.daemons).status
                == 200)
        _ = try await harness.waitForReply(id, "the WhatsApp reply marked read") { $0.status == "read" }
        #expect(try await signed(delivered).post(to: harness.daemons).status == 200)
        #expect(try await harness.messages.findOne(["_id": .string(id)])?.status == "read", "a late delivered")
        #expect(try await harness.stored(.whatsapp, .inbound).count == 1, "statuses are not customer messages")
        return (path, delivery)
    }

    static func messenger(
        _ harness: Harness, replies: [String]
    ) async throws -> (
        path: String, delivery: Harness.Delivery
    ) {
        let fixture = try ChannelFixture.json("messenger/text_message.json")
        let event = try #require(ChannelFixture.value(fixture, "entry", 0, "messaging", 0))
        let psid = try #require(ChannelFixture.value(event, "sender", "id") as? String)
        let text = try #require(ChannelFixture.value(event, "message", "text") as? String)
        let receipt = try ChannelFixture.bytes("messenger/delivery_receipt.json")
        let receiptMid = try #require(
            ChannelFixture.value(
                try ChannelFixture.json("messenger/delivery_receipt.json"), "entry", 0, "messaging", 0, "delivery",
                "mids", 0) as? String)
        let answer = try ChannelFixture.edited(try ChannelFixture.json("messenger/send_api_response.json")) {
            $0["recipient_id"] = psid
            $0["message_id"] = receiptMid
        }
        let path = "/v21.0/me/messages"
        harness.vendor.script(path, [.json(200, answer)])

        let delivery = try await harness.deliverThreeTimes(
            .meta(
                channel: "messenger", tenant: "demo", body: try ChannelFixture.bytes("messenger/text_message.json"),
                appSecret: DemoCredentials.messengerAppSecret), channel: .messenger, sendPath: path)
        #expect(delivery.inbound.envelope.content == .text(text))
        let request = delivery.request
        #expect(request.method == "POST")
        #expect(request.header("Authorization") == "Bearer \(DemoCredentials.messengerPageToken)")
        let body = try request.json()
        #expect(ChannelFixture.value(body, "recipient", "id") as? String == psid)
        #expect(body["messaging_type"] as? String == "RESPONSE")
        expectReply(
            delivery, sentText: ChannelFixture.value(body, "message", "text") as? String,
            providerMessageId: receiptMid, replies: replies, channel: .messenger)

        let signed = SignedWebhook.meta(
            channel: "messenger", tenant: "demo", body: receipt, appSecret: DemoCredentials.messengerAppSecret)
        #expect(try await signed.post(to: harness.daemons).status == 200)
        _ = try await harness.waitForReply(delivery.reply._id, "the Messenger reply marked delivered") {
            $0.status == "delivered"
        }
        // A read receipt names no message: its watermark covers every reply sent before it.
        let watermark = Int64((Date().timeIntervalSince1970 + 1) * 1000)
        let read = Array(
            #"{"object":"page","entry":[{"id":"1","time":1,"messaging":[{"sender":{"id":"\#(psid)"},"recipient":{"id":"1"},"timestamp":\#(watermark),"read":{"watermark":\#(watermark)}}]}]}"#
                .utf8)
        let signedRead = SignedWebhook.meta(
            channel: "messenger", tenant: "demo", body: read, appSecret: DemoCredentials.messengerAppSecret)
        #expect(try await signedRead.post(to: harness.daemons).status == 200)
        _ = try await harness.waitForReply(delivery.reply._id, "the Messenger reply marked read") {
            $0.status == "read"
        }
        return (path, delivery)
    }

    static func telegram(
        _ harness: Harness, replies: [String]
    ) async throws -> (
        path: String, delivery: Harness.Delivery
    ) {
        let fixture = try ChannelFixture.json("telegram/message_text.json")
        let chat = try #require(ChannelFixture.value(fixture, "message", "chat", "id") as? Int)
        let text = try #require(ChannelFixture.value(fixture, "message", "text") as? String)
        let exchange = try ChannelFixture.json("telegram/send_message_exchange.json")
        let answer = try #require(ChannelFixture.value(exchange, "responses", "success_http_200") as? String)
        let answered = try #require(
            ChannelFixture.value(
                try JSONSerialization.jsonObject(with: Data(answer.utf8)), "result", "message_id") as? Int)
        let path = "/bot\(DemoCredentials.telegramBotToken)/sendMessage"
        harness.vendor.script(path, [.json(200, answer)])

        let delivery = try await harness.deliverThreeTimes(
            .telegram(
                tenant: "demo", body: try ChannelFixture.bytes("telegram/message_text.json"),
                secretToken: DemoCredentials.telegramSecretToken), channel: .telegram, sendPath: path)
        #expect(delivery.inbound.envelope.content == .text(text))
        let request = delivery.request
        #expect(request.method == "POST")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        let form = TwilioForm(body: request.body)
        #expect(form["chat_id"] == String(chat))
        expectReply(
            delivery, sentText: form["text"], providerMessageId: String(answered), replies: replies,
            channel: .telegram)
        return (path, delivery)
    }

    static func twilioSMS(
        _ harness: Harness, replies: [String]
    ) async throws -> (
        path: String, delivery: Harness.Delivery
    ) {
        let number = TwilioNumber(
            tenant: "demo", accountSid: DemoCredentials.twilioAccountSid, authToken: DemoCredentials.twilioAuthToken,
            publicURL: DemoCredentials.twilioPublicURL, from: DemoCredentials.twilioFrom)
        let (path, delivery, postCallback) = try await twilio(
            harness, number, channel: .sms, inbound: "twilio/inbound_sms.form",
            callback: "twilio/status_callback_sms_sent_docs.form", replies: replies)
        // Twilio's `sent` callback is accepted and is not a customer message; the reply is already sent.
        #expect(try await postCallback() == 200)
        #expect(try await harness.messages.findOne(["_id": .string(delivery.reply._id)])?.status == "sent")
        return (path, delivery)
    }

    /// WhatsApp through Twilio: tenant `shop`'s number is on Twilio, so its customers' messages come as
    /// Twilio webhooks and the replies go out through Twilio's Messages resource with `whatsapp:` addresses.
    static func twilioWhatsApp(
        _ harness: Harness, replies: [String]
    ) async throws -> (
        path: String, delivery: Harness.Delivery
    ) {
        let number = TwilioNumber(
            tenant: "shop", accountSid: DemoCredentials.shopTwilioAccountSid,
            authToken: DemoCredentials.shopTwilioAuthToken, publicURL: DemoCredentials.shopTwilioPublicURL,
            from: "whatsapp:" + DemoCredentials.shopWhatsAppNumber)
        let (path, delivery, postCallback) = try await twilio(
            harness, number, channel: .whatsapp, inbound: "twilio/inbound_whatsapp_text.form",
            callback: "twilio/status_callback_whatsapp_delivered.form", replies: replies)
        #expect(try await postCallback() == 200)
        _ = try await harness.waitForReply(delivery.reply._id, "the Twilio WhatsApp reply marked delivered") {
            $0.status == "delivered"
        }
        return (path, delivery)
    }

    /// A tenant's Twilio number: its account, the URL its webhooks are signed over, and the `From` its
    /// replies carry.
    struct TwilioNumber {
        var tenant: String
        var accountSid: String
        var authToken: String
        var publicURL: String
        var from: String
    }

    /// One Twilio exchange: the `inbound` fixture signed for `number` and delivered three times, its reply
    /// through the account's Messages resource (form, basic auth, back to the sender), answered with the
    /// message the `callback` fixture names. Returns a function that posts that callback, signed.
    static func twilio(
        _ harness: Harness, _ number: TwilioNumber, channel: Channel, inbound fixtureName: String,
        callback callbackName: String, replies: [String]
    ) async throws -> (path: String, delivery: Harness.Delivery, postCallback: @Sendable () async throws -> Int) {
        let inbound = try ChannelFixture.bytes(fixtureName)
        let fixture = TwilioForm(body: inbound)
        let from = try #require(fixture["From"])
        let callback = try ChannelFixture.bytes(callbackName)
        let sid = try #require(TwilioForm(body: callback)["MessageSid"])
        let answer = try ChannelFixture.edited(try ChannelFixture.json("twilio/send_message_response.json")) {
            $0["sid"] = sid
        }
        let path = "/2010-04-01/Accounts/\(number.accountSid)/Messages.json"
        harness.vendor.script(path, [.json(201, answer)])

        let signed = { @Sendable (body: [UInt8]) in
            SignedWebhook.twilio(
                tenant: number.tenant, body: body, authToken: number.authToken, publicURL: number.publicURL)
        }
        let delivery = try await harness.deliverThreeTimes(
            signed(inbound), channel: channel, sendPath: path, tenant: number.tenant)
        #expect(delivery.inbound.envelope.content == fixture["Body"].map { .text($0) })
        // The customer's address is stored without Twilio's `whatsapp:` prefix.
        #expect((channel == .whatsapp ? "whatsapp:" : "") + delivery.inbound.external_id == from)
        let request = delivery.request
        #expect(request.method == "POST")
        let basic = Data("\(number.accountSid):\(number.authToken)".utf8)
        #expect(request.header("Authorization") == "Basic \(basic.base64EncodedString())")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        let form = TwilioForm(body: request.body)
        #expect(form["To"] == from)
        #expect(form["From"] == number.from)
        expectReply(delivery, sentText: form["Body"], providerMessageId: sid, replies: replies, channel: channel)
        let daemons = harness.daemons
        return (path, delivery, { try await signed(callback).post(to: daemons).status })
    }
}
