import SwitchboardCore
import Testing

@Suite("Consent keywords and vendor opt-out errors")
struct ConsentKeywordsTests {
    let keywords = ConsentKeywords()

    @Test(arguments: [
        ("STOP", Channel.sms, "en"), ("stop", .sms, "en"), ("  Stop. ", .whatsapp, "en"), ("Stop!", .messenger, "en"),
        ("UNSUBSCRIBE", .sms, "en"), ("opt-out", .sms, "en"), ("Stop all", .sms, "en"), ("cancel", .telegram, "en"),
        ("STOPP", .sms, "de"), ("abmelden", .whatsapp, "de"), ("Arrêt", .sms, "fr"), ("désabonner", .sms, "fr"),
        ("Baja", .sms, "es"), ("/stop", .telegram, "en"), ("/stop@SwitchboardBot", .telegram, "en"),
    ])
    func optOut(_ text: String, _ channel: Channel, _ language: String) {
        #expect(keywords.match(text, channel: channel) == .init(request: .optOut, language: language))
    }

    @Test(arguments: [
        ("START", Channel.sms, "en"), ("start", .whatsapp, "en"), ("Unstop", .sms, "en"), ("/start", .telegram, "en"),
        ("anmelden", .sms, "de"), ("Alta", .sms, "es"),
    ])
    func optIn(_ text: String, _ channel: Channel, _ language: String) {
        #expect(keywords.match(text, channel: channel) == .init(request: .optIn, language: language))
    }

    /// Only the whole message is a keyword, and web chat has none.
    @Test(arguments: [
        ("please stop the delivery", Channel.sms), ("stopping", .sms), ("", .sms), ("!!!", .sms), ("STOP", .webchat),
        ("/stop", .sms), ("stop stop stop stop stop stop stop stop", .sms), ("where is my parcel?", .whatsapp),
    ])
    func notAKeyword(_ text: String, _ channel: Channel) {
        #expect(keywords.match(text, channel: channel) == nil)
    }

    @Test func everyLanguageHasBothConfirmations() {
        for language in ConsentKeywords.optOut.keys {
            for request in [ConsentKeywords.Request.optOut, .optIn] {
                let text = keywords.confirmation(for: .init(request: request, language: language))
                #expect(ConsentKeywords.confirmations[request]?[language] == text, "\(request) \(language)")
                #expect(text.contains(request == .optOut ? "START" : "STOP"), "\(request) \(language)")
            }
        }
    }

    @Test func vendorOptOutErrors() {
        #expect(
            VendorOptOut.code(
                in: "twilio answered 400 (error 21610): Attempt to send to unsubscribed recipient", channel: .sms)
                == "21610")
        #expect(VendorOptOut.code(in: "twilio answered 400 (error 21610)", channel: .whatsapp) == "21610")
        #expect(VendorOptOut.code(in: "twilio answered 400 (error 21211)", channel: .sms) == nil)
        #expect(
            VendorOptOut.code(in: "Unable to deliver the message (code 131050)", channel: .whatsapp) == "131050")
        #expect(VendorOptOut.code(in: "Unable to deliver the message (code 131050)", channel: .sms) == nil)
        #expect(VendorOptOut.code(in: "Forbidden: bot was blocked by the user", channel: .telegram) == "403")
        #expect(VendorOptOut.code(in: "(error 21610)", channel: .messenger) == nil)
    }
}
