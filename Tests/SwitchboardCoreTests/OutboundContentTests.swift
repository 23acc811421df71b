import Foundation
import SwitchboardCore
import Testing

@Suite("Outbound rich content: coding and vendor limits")
struct OutboundContentTests {
    func decode(_ json: String) throws -> Content {
        try SwitchboardJSON.makeDecoder().decode(Content.self, from: Data(json.utf8))
    }

    func encode(_ content: Content) throws -> [String: Any] {
        let data = try SwitchboardJSON.makeEncoder().encode(content)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func choice(_ count: Int, style: Content.Choice.Style = .buttons, title: String = "Yes") -> Content {
        .choice(
            .init(
                text: "Pick one", options: (1...count).map { .init(id: "opt-\($0)", title: "\(title)\($0)") },
                style: style))
    }

    @Test func mediaByURLNeedsAKindOrAMimeType() throws {
        let content = try decode(
            #"{"type":"media","reference":"https://cdn.example/a.pdf","kind":"document","file_name":"a.pdf"}"#)
        guard case .media(let media) = content else {
            Issue.record("not media: \(content)")
            return
        }
        #expect(media.kind == .document)
        #expect(media.mimeType == nil)
        #expect(media.fileName == "a.pdf")
        #expect(media.isURL)
        #expect(try encode(content)["kind"] as? String == "document")
        #expect(
            try decode(String(decoding: try SwitchboardJSON.makeEncoder().encode(content), as: UTF8.self)) == content)
        #expect(throws: DecodingError.self) { try decode(#"{"type":"media","reference":"https://cdn.example/a"}"#) }
        #expect(throws: DecodingError.self) {
            try decode(#"{"type":"media","reference":"https://cdn.example/a","kind":"sticker"}"#)
        }
    }

    @Test func theKindFollowsTheMimeTypeWhenNotGiven() {
        #expect(Content.Media(reference: "x", mimeType: "image/png").resolvedKind == .image)
        #expect(Content.Media(reference: "x", mimeType: "audio/ogg").resolvedKind == .audio)
        #expect(Content.Media(reference: "x", mimeType: "video/mp4").resolvedKind == .video)
        #expect(Content.Media(reference: "x", mimeType: "application/pdf").resolvedKind == .document)
        #expect(Content.Media(reference: "x", mimeType: "image/png", kind: .document).resolvedKind == .document)
        #expect(!Content.Media(reference: "1013859600285441", kind: .image).isURL)
    }

    @Test func aChoiceRoundTripsWithButtonsAsTheDefaultStyle() throws {
        let content = try decode(
            #"{"type":"choice","text":"Pick one","options":[{"id":"yes","title":"Yes"},{"id":"no","title":"No"}]}"#)
        #expect(
            content
                == .choice(
                    .init(text: "Pick one", options: [.init(id: "yes", title: "Yes"), .init(id: "no", title: "No")])))
        #expect(content.typeName == "choice")
        #expect(content.textForUnderstanding == "Pick one")
        let list = Content.choice(
            .init(
                text: "Where?", options: [.init(id: "ams", title: "Amsterdam", description: "NL")], style: .list,
                button: "Cities"))
        let json = try encode(list)
        #expect(json["type"] as? String == "choice")
        #expect(json["style"] as? String == "list")
        #expect(json["button"] as? String == "Cities")
        let encoded = String(decoding: try SwitchboardJSON.makeEncoder().encode(list), as: UTF8.self)
        #expect(try decode(encoded) == list)
    }

    @Test func choicesFallBackToNumberedLinesAndLocationsToAMapLink() {
        guard case .choice(let choice) = Self.choice(2) else { return }
        #expect(choice.numberedText == "Pick one\n1. Yes1\n2. Yes2")
        let location = Content.Location(latitude: 52.52, longitude: 13.405, name: "Office", address: "Berlin")
        #expect(location.plainText == "Office\nBerlin\nhttps://www.google.com/maps/search/?api=1&query=52.52,13.405")
    }

    @Test func whatsAppTakesThreeButtonsOfTwentyCharactersAndTenListRows() {
        #expect(Self.choice(3).outboundProblem(on: .whatsapp) == nil)
        #expect(Self.choice(4).outboundProblem(on: .whatsapp) == "whatsapp takes at most 3 options as buttons")
        #expect(Self.choice(10, style: .list).outboundProblem(on: .whatsapp) == nil)
        #expect(
            Self.choice(11, style: .list).outboundProblem(on: .whatsapp) == "whatsapp takes at most 10 options as list")
        #expect(
            Self.choice(2, title: String(repeating: "x", count: 20)).outboundProblem(on: .whatsapp)
                == "option 1: title must be 1 to 20 characters on whatsapp")
        // List rows may be 24 characters.
        #expect(
            Self.choice(2, style: .list, title: String(repeating: "x", count: 22)).outboundProblem(on: .whatsapp) == nil
        )
        let longBody = Content.choice(
            .init(text: String(repeating: "a", count: 1025), options: [.init(id: "a", title: "A")]))
        #expect(longBody.outboundProblem(on: .whatsapp) == "choice text is longer than 1024 characters on whatsapp")
    }

    @Test func optionsNeedDistinctNonEmptyIdsAndTitles() {
        let duplicate = Content.choice(
            .init(text: "Pick", options: [.init(id: "a", title: "A"), .init(id: "a", title: "B")]))
        #expect(duplicate.outboundProblem(on: .telegram) == "option 2: id is used by another option")
        let untitled = Content.choice(.init(text: "Pick", options: [.init(id: "a", title: "  ")]))
        #expect(untitled.outboundProblem(on: .sms) == "option 1: title must be 1 to 64 characters on sms")
        #expect(
            Content.choice(.init(text: "Pick", options: [])).outboundProblem(on: .webchat) == "choice has no options")
        #expect(
            Content.choice(.init(text: " ", options: [.init(id: "a", title: "A")])).outboundProblem(on: .webchat)
                == "choice text is empty")
    }

    @Test func telegramCallbackDataIsAtMostSixtyFourBytes() {
        let long = Content.choice(
            .init(text: "Pick", options: [.init(id: String(repeating: "é", count: 33), title: "A")]))
        #expect(long.outboundProblem(on: .telegram) == "option 1: id must be 1 to 64 bytes on telegram")
        #expect(long.outboundProblem(on: .whatsapp) == nil)
        #expect(Self.choice(10).outboundProblem(on: .telegram) == nil)
    }

    @Test func messengerButtonTemplatesTakeThreeButtonsAndSixHundredFortyCharacters() {
        #expect(Self.choice(4).outboundProblem(on: .messenger) == "messenger takes at most 3 options as buttons")
        #expect(Self.choice(10, style: .list).outboundProblem(on: .messenger) == nil)
        let long = Content.choice(
            .init(text: String(repeating: "a", count: 641), options: [.init(id: "a", title: "A")]))
        #expect(long.outboundProblem(on: .messenger) == "choice text is longer than 640 characters on messenger")
    }

    @Test func mediaIdsOnlyWhereTheVendorIssuesThem() {
        let byId = Content.media(.init(reference: "1013859600285441", kind: .image))
        #expect(byId.outboundProblem(on: .whatsapp) == nil)
        #expect(byId.outboundProblem(on: .sms) == "media on sms needs an https URL")
        #expect(byId.outboundProblem(on: .webchat) == "media on webchat needs an https URL")
        let ftp = Content.media(.init(reference: "ftp://cdn.example/a.png", kind: .image))
        #expect(ftp.outboundProblem(on: .whatsapp) == "media URL must be http or https")
        let caption = Content.media(
            .init(reference: "https://cdn.example/a.png", kind: .image, caption: String(repeating: "c", count: 1025)))
        #expect(caption.outboundProblem(on: .telegram) == "caption is longer than 1024 characters on telegram")
    }

    @Test func locationsInRangeAndNoContactCards() {
        #expect(
            Content.location(.init(latitude: 91, longitude: 0)).outboundProblem(on: .sms)
                == "latitude is out of range (-90 to 90)")
        #expect(
            Content.location(.init(latitude: 0, longitude: -181)).outboundProblem(on: .sms)
                == "longitude is out of range (-180 to 180)")
        #expect(Content.location(.init(latitude: 52.5, longitude: 13.4)).outboundProblem(on: .telegram) == nil)
        #expect(
            Content.contact(.init(name: "Ada")).outboundProblem(on: .whatsapp)
                == "contact cards cannot be sent as replies")
        #expect(Content.text("   ").outboundProblem(on: .whatsapp) == "text is empty")
    }
}
