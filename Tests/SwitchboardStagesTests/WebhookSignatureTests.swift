import Foundation
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The vendor signatures over swift-crypto: known vectors (so the key and message are fed in the way the
/// vendors sign) and the refusals a forged or malformed header must get.
@Suite("Webhook signatures (Meta HMAC-SHA256, Twilio HMAC-SHA1)")
struct WebhookSignatureTests {
    static let fixtureSecret = "1222e786b144d0e85b9f365372d93676"
    static let fixtureSignature = "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"

    func fixtureBody() throws -> [UInt8] {
        try [UInt8](
            Data(contentsOf: TestStack.channelFixtures.appendingPathComponent("whatsapp/signed_text.body.json")))
    }

    @Test func metaSignsTheCapturedFixtureAsMetaDid() throws {
        let body = try fixtureBody()
        #expect(body.count == 511)
        #expect(MetaWebhookSecurity.signature(body: body, appSecret: Self.fixtureSecret) == Self.fixtureSignature)
        #expect(
            MetaWebhookSecurity.isValid(signature: Self.fixtureSignature, body: body, appSecret: Self.fixtureSecret))
        #expect(
            MetaWebhookSecurity.isValid(
                signature: Self.fixtureSignature.uppercased(), body: body, appSecret: Self.fixtureSecret))
    }

    /// RFC 4231 test case 2: the app secret is the HMAC key as UTF-8 bytes.
    @Test func metaSignatureIsHMACSHA256OfTheBody() {
        #expect(
            MetaWebhookSecurity.signature(body: Array("what do ya want for nothing?".utf8), appSecret: "Jefe")
                == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test(arguments: [
        "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc440",  // last digit changed
        "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc4",  // one byte short
        "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc4411",  // odd length
        "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc4zz",  // not hex
        "54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",  // no prefix
        "sha1=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",
        "sha256=", "", "sha256=é",
    ])
    func metaRefusesAForgedOrMalformedSignature(_ signature: String) throws {
        #expect(
            !MetaWebhookSecurity.isValid(signature: signature, body: try fixtureBody(), appSecret: Self.fixtureSecret))
    }

    @Test func metaRefusesTheRightSignatureWithAnotherSecretOrBody() throws {
        let body = try fixtureBody()
        #expect(!MetaWebhookSecurity.isValid(signature: Self.fixtureSignature, body: body, appSecret: "other"))
        #expect(
            !MetaWebhookSecurity.isValid(
                signature: Self.fixtureSignature, body: body + [UInt8(ascii: " ")], appSecret: Self.fixtureSecret))
    }

    /// Twilio's documented example, and RFC 2202 test case 2 (a URL without parameters signs the URL alone).
    @Test func twilioSignsWithHMACSHA1() {
        let form = TwilioForm(pairs: [
            ("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675310"), ("Digits", "1234"),
            ("From", "+14158675310"), ("To", "+18005551212"),
        ])
        let url = "https://example.com/myapp.php?foo=1&bar=2"
        #expect(TwilioSignature.expected(authToken: "12345", url: url, form: form) == "L/OH5YylLD5NRKLltdqwSvS0BnU=")
        #expect(
            TwilioSignature.expected(
                authToken: "Jefe", url: "what do ya want for nothing?", form: TwilioForm(pairs: []))
                == "7/zfauXrL6LSdBbV8YTfnCWafHk=")
    }

    @Test func twilioVerifiesTheSignatureAndRefusesAnyOther() {
        let form = TwilioForm(pairs: [("Body", "hello"), ("From", "+14158675310")])
        let url = "https://hooks.example.com/webhooks/sms/acme"
        let good = TwilioSignature.expected(authToken: "token", url: url, form: form)
        #expect(TwilioSignature.isValid(header: good, authToken: "token", url: url, form: form))
        #expect(!TwilioSignature.isValid(header: good, authToken: "other", url: url, form: form))
        #expect(!TwilioSignature.isValid(header: good, authToken: "token", url: url + "/", form: form))
        let tampered = TwilioForm(pairs: [("Body", "hellO"), ("From", "+14158675310")])
        #expect(!TwilioSignature.isValid(header: good, authToken: "token", url: url, form: tampered))
        for forged in ["", "not base64!", String(good.dropLast(4)), "AAAA" + good] {
            #expect(!TwilioSignature.isValid(header: forged, authToken: "token", url: url, form: form))
        }
    }
}
