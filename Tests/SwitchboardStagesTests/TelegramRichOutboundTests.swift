import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

@Suite("Telegram media, locations and inline keyboards against a fake Bot API")
struct TelegramRichOutboundTests {
    static let ok = #"{ "ok": true, "result": { "message_id": 134 } }"#
    static let methods = [
        "sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVideo", "sendLocation", "sendVenue",
    ]

    func reply(_ content: Content) -> Envelope {
        Envelope(
            id: UUID(), tenantId: "acme", channel: .telegram, direction: .outbound, externalId: "12345",
            content: content, receivedAt: .now, traceId: "t-1", sender: .agent(id: "a-1"))
    }

    /// Sends `content`; returns the outcome and the (method, form fields) of every Bot API call made.
    func send(_ content: Content) async throws -> (DeliveryOutcome, [(String, [String: String])]) {
        try await FakeVendorServer.with { server in
            for method in Self.methods { server.script("/botBOT-TOKEN-1/\(method)", [.json(200, Self.ok)]) }
            let adapter = TelegramOutboundTests().adapter(server, waits: TelegramRecordedWaits())
            let outcome = try await adapter.deliver(reply(content))
            var calls: [(String, [String: String])] = []
            for method in Self.methods {
                for request in server.requests(to: "/botBOT-TOKEN-1/\(method)") {
                    #expect(request.method == "POST")
                    #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
                    calls.append(
                        (method, Dictionary(TwilioForm(body: request.body).pairs.map { ($0.name, $0.value) }) { $1 }))
                }
            }
            return (outcome, calls)
        }
    }

    @Test(
        "media goes with the method of its kind",
        arguments: [
            (Content.Media.Kind.image, "sendPhoto", "photo"), (.document, "sendDocument", "document"),
            (.audio, "sendAudio", "audio"), (.video, "sendVideo", "video"),
        ])
    func mediaByURL(kind: Content.Media.Kind, method: String, field: String) async throws {
        let (outcome, calls) = try await send(
            .media(.init(reference: "https://cdn.example/file", kind: kind, caption: "Here it is")))
        #expect(outcome == .sent(providerMessageId: "134"))
        #expect(calls.count == 1)
        #expect(calls.first?.0 == method)
        #expect(calls.first?.1 == ["chat_id": "12345", field: "https://cdn.example/file", "caption": "Here it is"])
    }

    @Test func aPhotoByFileIdWithoutCaption() async throws {
        let (_, calls) = try await send(.media(.init(reference: "AgACAgIAAxkBAAIBY2", mimeType: "image/jpeg")))
        #expect(calls.first?.0 == "sendPhoto")
        #expect(calls.first?.1 == ["chat_id": "12345", "photo": "AgACAgIAAxkBAAIBY2"])
    }

    @Test func aLocationWithANameAndAddressIsAVenue() async throws {
        let (_, venue) = try await send(
            .location(.init(latitude: 52.52, longitude: 13.405, name: "Office", address: "Unter den Linden 1")))
        #expect(venue.count == 1)
        #expect(venue.first?.0 == "sendVenue")
        #expect(
            venue.first?.1 == [
                "chat_id": "12345", "latitude": "52.52", "longitude": "13.405", "title": "Office",
                "address": "Unter den Linden 1",
            ])
        let (_, pin) = try await send(.location(.init(latitude: -33.8688, longitude: 151.2093)))
        #expect(pin.first?.0 == "sendLocation")
        #expect(pin.first?.1 == ["chat_id": "12345", "latitude": "-33.8688", "longitude": "151.2093"])
    }

    @Test func buttonsAreOneRowOfAnInlineKeyboardAndAListOneButtonPerRow() async throws {
        let options: [Content.Choice.Option] = [.init(id: "yes", title: "Yes"), .init(id: "no", title: "No")]
        let (_, buttons) = try await send(.choice(.init(text: "Helpful?", options: options)))
        #expect(buttons.first?.0 == "sendMessage")
        let fields = try #require(buttons.first?.1)
        #expect(fields["chat_id"] == "12345")
        #expect(fields["text"] == "Helpful?")
        let markup = try #require(fields["reply_markup"])
        #expect(
            try CanonicalJSON.of(json: markup)
                == #"{"inline_keyboard":[[{"callback_data":"yes","text":"Yes"},{"callback_data":"no","text":"No"}]]}"#)

        let (_, list) = try await send(.choice(.init(text: "Helpful?", options: options, style: .list)))
        let listMarkup = try #require(list.first?.1["reply_markup"])
        #expect(
            try CanonicalJSON.of(json: listMarkup)
                == #"{"inline_keyboard":[[{"callback_data":"yes","text":"Yes"}],[{"callback_data":"no","text":"No"}]]}"#
        )
    }

    @Test func callbackDataOverSixtyFourBytesIsRefusedWithoutACall() async throws {
        let (outcome, calls) = try await send(
            .choice(.init(text: "Pick", options: [.init(id: String(repeating: "x", count: 65), title: "X")])))
        #expect(outcome == .permanentFailure(reason: "option 1: id must be 1 to 64 bytes on telegram"))
        #expect(calls.isEmpty)
    }
}
