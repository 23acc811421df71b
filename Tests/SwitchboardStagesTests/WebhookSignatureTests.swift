import Foundation
import HTTPTypes
import SwitchboardCore
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

/// Twilio's and Meta's published vectors, and the URL forms and headers their helper libraries accept.
@Suite("Webhook signatures as the vendors verify them")
struct VendorSignatureVectorTests {
    /// twilio-python `tests/unit/test_request_validator.py`: its URL and parameters. The expected value
    /// given with them in the brief ("RSOYDt4T1cUTdK1PDd93/VVr8B8=") does not reproduce with these inputs by
    /// the documented algorithm (nor with `:443`); the value below is the one the algorithm gives, checked
    /// with Python's hmac.
    static let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    static let form = TwilioForm(pairs: [
        ("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675310"), ("Digits", "1234"),
        ("From", "+14158675310"), ("To", "+18005551212"),
    ])
    static let expected = "GvWf1cFY/Q7PnoempGyD5oXAezc="
    static let json = Array(#"{"property": "value", "boolean": true}"#.utf8)
    static let jsonHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
    static let jsonURL = url + "&bodySHA256=" + jsonHash
    static let jsonExpected = "a9nBmqA0ju/hNViExpshrM61xv4="

    @Test func twilioFormVector() {
        #expect(TwilioSignature.expected(authToken: "12345", url: Self.url, form: Self.form) == Self.expected)
        #expect(TwilioSignature.isValid(header: Self.expected, authToken: "12345", url: Self.url, form: Self.form))
        #expect(!TwilioSignature.isValid(header: Self.expected, authToken: "12346", url: Self.url, form: Self.form))
        // The parameters in another order sign the same.
        let shuffled = TwilioForm(pairs: Self.form.pairs.reversed())
        #expect(TwilioSignature.isValid(header: Self.expected, authToken: "12345", url: Self.url, form: shuffled))
    }

    /// As twilio-python's `test_validation_removes_port_on_https` / `…adds_port…`: signed with the default
    /// port, checked against the URL without it, and the other way round.
    @Test func twilioAcceptsTheURLWithAndWithoutTheDefaultPort() {
        let withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
        let signedWithPort = TwilioSignature.expected(authToken: "12345", url: withPort, form: Self.form)
        #expect(signedWithPort == "5s2PFy0qmPcZucb4eH4b08ZJtL0=")
        #expect(TwilioSignature.isValid(header: signedWithPort, authToken: "12345", url: Self.url, form: Self.form))
        #expect(TwilioSignature.isValid(header: Self.expected, authToken: "12345", url: withPort, form: Self.form))
        // Another port is another URL.
        let otherPort = "https://mycompany.com:8443/myapp.php?foo=1&bar=2"
        #expect(!TwilioSignature.isValid(header: Self.expected, authToken: "12345", url: otherPort, form: Self.form))
        // The query string is signed.
        #expect(
            !TwilioSignature.isValid(
                header: Self.expected, authToken: "12345", url: "https://mycompany.com/myapp.php?foo=1&bar=3",
                form: Self.form))
    }

    @Test(arguments: [
        ("https://a.example/x?q=1", ["https://a.example/x?q=1", "https://a.example:443/x?q=1"]),
        ("https://a.example:443/x", ["https://a.example:443/x", "https://a.example/x"]),
        ("http://a.example", ["http://a.example", "http://a.example:80"]),
        ("http://a.example:80?x=1", ["http://a.example:80?x=1", "http://a.example?x=1"]),
        ("https://a.example:8443/x", ["https://a.example:8443/x"]),
        ("https://user:pw@a.example/x", ["https://user:pw@a.example/x", "https://user:pw@a.example:443/x"]),
        ("https://[::1]/x", ["https://[::1]/x", "https://[::1]:443/x"]),
        ("https://[::1]:443/x", ["https://[::1]:443/x", "https://[::1]/x"]),
        ("ftp://a.example/x", ["ftp://a.example/x"]),
    ])
    func twilioURLVariants(_ url: String, _ variants: [String]) {
        #expect(TwilioSignature.urlVariants(url) == variants)
    }

    /// twilio-python's JSON-body vector: the body's SHA-256 in `bodySHA256`, the signature over the URL alone.
    @Test func twilioJSONBodyVector() {
        #expect(TwilioSignature.bodyHash(Self.json) == Self.jsonHash)
        #expect(
            TwilioSignature.expected(authToken: "12345", url: Self.jsonURL, form: TwilioForm(pairs: []))
                == Self.jsonExpected)
        #expect(
            TwilioSignature.isValid(header: Self.jsonExpected, authToken: "12345", url: Self.jsonURL, body: Self.json))
        let upper = Self.url + "&bodySHA256=" + Self.jsonHash.uppercased()
        let signedUpper = TwilioSignature.expected(authToken: "12345", url: upper, form: TwilioForm(pairs: []))
        #expect(TwilioSignature.isValid(header: signedUpper, authToken: "12345", url: upper, body: Self.json))
        // Another body, even with the URL's signature intact, does not hash to bodySHA256.
        #expect(
            !TwilioSignature.isValid(
                header: Self.jsonExpected, authToken: "12345", url: Self.jsonURL, body: Self.json + [0x20]))
        // A changed hash in the URL breaks the signature.
        let otherHash = Self.url + "&bodySHA256=" + String(repeating: "0", count: 64)
        #expect(
            !TwilioSignature.isValid(header: Self.jsonExpected, authToken: "12345", url: otherHash, body: Self.json))
        // Without bodySHA256 the body is read as a form, and the URL-only signature does not match it.
        #expect(!TwilioSignature.isValid(header: Self.jsonExpected, authToken: "12345", url: Self.url, body: Self.json))
    }

    /// The adapter signs the configured public URL with the request's own query string.
    @Test func twilioAdapterUsesTheRequestQuery() throws {
        let adapter = TwilioAdapter(
            secrets: TenantSecrets(
                tenantIds: ["acme"],
                environment: [
                    "SWITCHBOARD_TENANT_ACME_TWILIO_AUTH_TOKEN": "12345",
                    "SWITCHBOARD_TENANT_ACME_TWILIO_PUBLIC_URL": "https://mycompany.com/myapp.php",
                ]))
        #expect(adapter.signedURL(tenantId: "acme", query: "foo=1&bar=2") == Self.url)
        #expect(adapter.signedURL(tenantId: "acme", query: "") == "https://mycompany.com/myapp.php")
        #expect(adapter.signedURL(tenantId: "acme", query: nil) == "https://mycompany.com/myapp.php")
        let header = try #require(HTTPField.Name("X-Twilio-Signature"))
        let body = TwilioForm.encode(Self.form.pairs)
        try adapter.verify(headers: [header: Self.expected], body: body, tenantId: "acme", query: "foo=1&bar=2")
        #expect(throws: ChannelHTTPError.self) {
            try adapter.verify(headers: [header: Self.expected], body: body, tenantId: "acme", query: "foo=1")
        }
        #expect(throws: ChannelHTTPError.self) {
            try adapter.verify(headers: [header: Self.expected], body: body, tenantId: "acme", query: nil)
        }
        try adapter.verify(
            headers: [header: Self.jsonExpected], body: Self.json, tenantId: "acme",
            query: "foo=1&bar=2&bodySHA256=" + Self.jsonHash)
        #expect(throws: ChannelHTTPError.self) {
            try adapter.verify(
                headers: [header: Self.jsonExpected], body: Self.json + [0x20], tenantId: "acme",
                query: "foo=1&bar=2&bodySHA256=" + Self.jsonHash)
        }
        let ignored = try adapter.parse(
            body: Self.json, headers: [.contentType: "application/json"], tenantId: "acme", receivedAt: Date(),
            ids: UUIDv7Generator())
        #expect(ignored.isEmpty)
    }

    static let metaSecret = "1222e786b144d0e85b9f365372d93676"
    static let metaSHA256 = "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441"
    /// HMAC-SHA1 of the captured Meta body with its secret (computed with Python's hmac: Meta publishes no
    /// SHA-1 vector).
    static let metaSHA1 = "sha1=2da0fa9ca1594bc8aeca59b5dc20955a0fe3f10d"

    /// RFC 2202 test case 2 for the legacy header's HMAC-SHA1.
    @Test func metaLegacySignatureIsHMACSHA1OfTheBody() throws {
        #expect(
            MetaWebhookSecurity.sha1Signature(body: Array("what do ya want for nothing?".utf8), appSecret: "Jefe")
                == "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        let body = try WebhookSignatureTests().fixtureBody()
        #expect(MetaWebhookSecurity.sha1Signature(body: body, appSecret: Self.metaSecret) == Self.metaSHA1)
        #expect(
            MetaWebhookSecurity.isValidSHA1(
                signature: Self.metaSHA1.uppercased(), body: body, appSecret: Self.metaSecret))
        #expect(!MetaWebhookSecurity.isValidSHA1(signature: Self.metaSHA256, body: body, appSecret: Self.metaSecret))
        #expect(!MetaWebhookSecurity.isValidSHA1(signature: "sha1=", body: body, appSecret: Self.metaSecret))
    }

    func security(sha1: Bool) -> MetaWebhookSecurity {
        var environment = ["SWITCHBOARD_TENANT_ACME_WHATSAPP_APP_SECRET": Self.metaSecret]
        if sha1 { environment["SWITCHBOARD_TENANT_ACME_WHATSAPP_SIGNATURE_SHA1"] = "true" }
        return MetaWebhookSecurity(
            appSecretName: "WHATSAPP_APP_SECRET", verifyTokenName: "WHATSAPP_VERIFY_TOKEN",
            sha1Name: "WHATSAPP_SIGNATURE_SHA1", secrets: TenantSecrets(tenantIds: ["acme"], environment: environment))
    }

    /// Which header combinations pass, with and without the tenant's SHA-1 opt-in.
    @Test(
        arguments: [
            // (sha256 header, sha1 header, accepted without opt-in, accepted with opt-in)
            (Optional(metaSHA256), Optional(metaSHA1), true, true),
            (metaSHA256, nil, true, true),
            (nil, metaSHA1, false, true),
            (nil, nil, false, false),
            (metaSHA256, "sha1=0000000000000000000000000000000000000000", false, false),
            (metaSHA256, "garbage", false, false),
            ("sha256=" + String(repeating: "0", count: 64), metaSHA1, false, false),
        ] as [(String?, String?, Bool, Bool)])
    func metaHeaderCombinations(_ sha256: String?, _ sha1: String?, _ plain: Bool, _ optedIn: Bool) throws {
        let body = try WebhookSignatureTests().fixtureBody()
        var headers = HTTPFields()
        if let sha256 { headers[try #require(HTTPField.Name("X-Hub-Signature-256"))] = sha256 }
        if let sha1 { headers[try #require(HTTPField.Name("X-Hub-Signature"))] = sha1 }
        for (optIn, accepted) in [(false, plain), (true, optedIn)] {
            let security = security(sha1: optIn)
            #expect(security.acceptsSHA1(tenantId: "acme") == optIn)
            do {
                try security.verify(headers: headers, body: body, tenantId: "acme")
                #expect(accepted, "opt-in \(optIn): accepted")
            } catch {
                #expect(!accepted, "opt-in \(optIn): \(error)")
                #expect(error.status == .unauthorized)
            }
        }
    }
}
