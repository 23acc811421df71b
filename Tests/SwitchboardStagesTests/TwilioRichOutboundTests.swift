import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("Twilio media and text fallbacks against a fake REST API")
struct TwilioRichOutboundTests {
    static let path = TwilioOutboundTests.path

    func reply(_ content: Content, channel: Channel = .sms) -> Envelope {
        Envelope(
            id: UUID(), tenantId: "acme", channel: channel, direction: .outbound, externalId: "+15558675310",
            content: content, receivedAt: .now, traceId: "t-1", sender: .agent(id: "a-1"))
    }

    /// Sends `content`; returns the outcome and the form of every Messages request, after checking their auth.
    func send(_ content: Content, channel: Channel = .sms) async throws -> (DeliveryOutcome, [[String: String]]) {
        try await FakeVendorServer.with { server in
            server.script(Self.path, [.json(201, try TwilioOutboundTests().created())])
            let adapter = TwilioOutboundTests().adapter(server, waits: TelegramRecordedWaits())
            let outcome = try await adapter.deliver(reply(content, channel: channel))
            let basic = Data("\(TwilioOutboundTests.account):auth-token".utf8).base64EncodedString()
            let forms = server.requests(to: Self.path).map { request in
                #expect(request.method == "POST")
                #expect(request.header("Authorization") == "Basic \(basic)")
                #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
                return Dictionary(TwilioForm(body: request.body).pairs.map { ($0.name, $0.value) }) { $1 }
            }
            return (outcome, forms)
        }
    }

    @Test func mediaGoesAsMediaUrlWithTheCaptionAsBody() async throws {
        let (outcome, forms) = try await send(
            .media(.init(reference: "https://cdn.example/receipt.jpg", kind: .image, caption: "Your receipt")))
        #expect(outcome == .sent(providerMessageId: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
        #expect(
            forms == [
                [
                    "From": "+15557122661", "To": "+15558675310", "Body": "Your receipt",
                    "MediaUrl": "https://cdn.example/receipt.jpg",
                ]
            ])
        let (_, whatsApp) = try await send(
            .media(.init(reference: "https://cdn.example/i.pdf", kind: .document)), channel: .whatsapp)
        #expect(
            whatsApp == [
                [
                    "From": "whatsapp:+15557122661", "To": "whatsapp:+15558675310",
                    "MediaUrl": "https://cdn.example/i.pdf",
                ]
            ])
    }

    @Test func aMediaIdCannotGoThroughTwilio() async throws {
        let (outcome, forms) = try await send(.media(.init(reference: "1013859600285441", kind: .image)))
        #expect(outcome == .permanentFailure(reason: "media on sms needs an https URL"))
        let (whatsApp, _) = try await send(
            .media(.init(reference: "1013859600285441", kind: .image)), channel: .whatsapp)
        #expect(whatsApp == .permanentFailure(reason: "twilio sends media by URL only"))
        #expect(forms.isEmpty)
    }

    @Test func anSMSLocationIsItsNameAddressAndAMapLink() async throws {
        let (_, forms) = try await send(
            .location(.init(latitude: 52.52, longitude: 13.405, name: "Office", address: "Unter den Linden 1")))
        #expect(
            forms.first?["Body"]
                == "Office\nUnter den Linden 1\nhttps://www.google.com/maps/search/?api=1&query=52.52,13.405")
        #expect(forms.first?["PersistentAction"] == nil)
    }

    @Test func aWhatsAppLocationCarriesAGeoPin() async throws {
        let (_, forms) = try await send(
            .location(.init(latitude: 37.78789, longitude: -122.391664, name: "375 Beale St")), channel: .whatsapp)
        #expect(forms.first?["PersistentAction"] == "geo:37.78789,-122.391664|375 Beale St")
        #expect(
            forms.first?["Body"] == "375 Beale St\nhttps://www.google.com/maps/search/?api=1&query=37.78789,-122.391664"
        )
    }

    @Test func aChoiceIsNumberedLines() async throws {
        let (outcome, forms) = try await send(
            .choice(
                .init(
                    text: "Which store?",
                    options: [.init(id: "ams", title: "Amsterdam"), .init(id: "ber", title: "Berlin")],
                    style: .list)))
        #expect(outcome == .sent(providerMessageId: "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
        #expect(forms.count == 1)
        #expect(forms.first?["Body"] == "Which store?\n1. Amsterdam\n2. Berlin")
        #expect(forms.first?["MediaUrl"] == nil)
    }
}
