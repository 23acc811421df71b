import Foundation
import SwitchboardCore
import SwitchboardRuntime
import Testing

@testable import SwitchboardStages

@Suite("media: limits, checksum, vendor requests and retry decisions (no I/O)")
struct MediaUnitTests {
    static let secrets = TenantSecrets(
        tenantIds: ["demo"],
        environment: [
            "SWITCHBOARD_TENANT_DEMO_WHATSAPP_ACCESS_TOKEN": "wa-token",
            "SWITCHBOARD_TENANT_DEMO_TELEGRAM_BOT_TOKEN": "123:tg-token",
            "SWITCHBOARD_TENANT_DEMO_TWILIO_ACCOUNT_SID": "AC1",
            "SWITCHBOARD_TENANT_DEMO_TWILIO_AUTH_TOKEN": "tw-secret",
        ])
    static let endpoints = MediaSource.Endpoints(
        whatsAppBase: "http://wa.test", whatsAppVersion: "v21.0", telegramBase: "http://tg.test",
        twilioBase: "http://tw.test")

    static func envelope(_ channel: Channel, _ reference: String, provider: String? = nil) -> Envelope {
        var envelope = Envelope(
            id: UUIDv7Generator().next(), tenantId: "demo", channel: channel, direction: .inbound,
            channelMessageId: "m", externalId: "u",
            content: .media(.init(reference: reference, mimeType: "image/jpeg")),
            receivedAt: Date(), traceId: "t")
        envelope.provider = provider
        return envelope
    }

    static func plan(_ envelope: Envelope, secrets: TenantSecrets = secrets) -> Result<MediaSource, MediaFetchFailure> {
        guard case .media(let media) = envelope.content else { return .failure(.permanent("no media")) }
        return MediaSource.plan(for: envelope, media: media, secrets: secrets, endpoints: endpoints)
    }

    @Test func typesAreCheckedWithoutParametersOrCase() {
        let policy = MediaPolicy()
        #expect(policy.allows("image/JPEG; charset=x"))
        #expect(policy.allows("audio/ogg"))
        #expect(policy.allows("application/pdf"))
        #expect(policy.allows("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
        #expect(!policy.allows("application/x-msdownload"))
        #expect(!policy.allows("text/html"))
        #expect(!policy.allows("not a type"))
        #expect(policy.typeProblem("text/html") == "media type text/html is not allowed")
        #expect(MediaPolicy(allowedTypes: ["image/png"]).allows("image/png"))
        #expect(!MediaPolicy(allowedTypes: ["image/png"]).allows("image/gif"))
    }

    @Test func sizeLimitIsInclusive() {
        let policy = MediaPolicy(maxBytes: 10)
        #expect(policy.sizeProblem(10) == nil)
        #expect(policy.sizeProblem(11) == "media is larger than 10 bytes")
    }

    @Test func configurationReadsVariablesAndRefusesBadOnes() throws {
        let defaults = try MediaFetchConfiguration(variables: [:])
        #expect(defaults.enabled && defaults.maxBytes == 16 * 1024 * 1024 && defaults.maxAttempts == 4)
        let set = try MediaFetchConfiguration(variables: [
            "SWITCHBOARD_MEDIA_FETCH": "false", "SWITCHBOARD_MEDIA_MAX_BYTES": "1000",
            "SWITCHBOARD_MEDIA_ALLOWED_TYPES": "image/*, Application/PDF", "SWITCHBOARD_MEDIA_MAX_ATTEMPTS": "2",
        ])
        #expect(!set.enabled && set.maxBytes == 1000 && set.maxAttempts == 2)
        #expect(set.allowedTypes == ["image/*", "application/pdf"])
        #expect(throws: SettingsError.self) {
            try MediaFetchConfiguration(variables: ["SWITCHBOARD_MEDIA_MAX_BYTES": "0"])
        }
        #expect(throws: SettingsError.self) {
            try MediaFetchConfiguration(variables: ["SWITCHBOARD_MEDIA_FETCH": "maybe"])
        }
        #expect(throws: SettingsError.self) {
            try MediaFetchConfiguration(variables: ["SWITCHBOARD_MEDIA_ALLOWED_TYPES": "images"])
        }
    }

    @Test func whatsAppLooksUpTheMediaIdWithTheBearerToken() throws {
        guard
            case .success(.whatsAppCloud(let lookup)) = Self.plan(
                Self.envelope(.whatsapp, "1234567890", provider: "meta"))
        else { Issue.record("not a WhatsApp lookup"); return }
        #expect(lookup.method == "GET")
        #expect(lookup.url.absoluteString == "http://wa.test/v21.0/1234567890")
        #expect(lookup.headers["Authorization"] == "Bearer wa-token")
        // A reference that would change the path is refused.
        #expect(throws: MediaFetchFailure.self) { try Self.plan(Self.envelope(.whatsapp, "../me")).get() }
    }

    @Test func telegramAsksForTheFilePathWithTheBotToken() throws {
        guard case .success(.telegram(let getFile, let fileBase)) = Self.plan(Self.envelope(.telegram, "AgAD-x_1"))
        else { Issue.record("not a Telegram getFile"); return }
        #expect(getFile.url.absoluteString == "http://tg.test/bot123:tg-token/getFile?file_id=AgAD-x_1")
        #expect(getFile.headers.isEmpty)
        #expect(fileBase == "http://tg.test/file/bot123:tg-token")
    }

    @Test func twilioSendsBasicAuthOnlyToItsOwnHost() throws {
        let url = "http://tw.test/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
        for envelope in [Self.envelope(.sms, url), Self.envelope(.whatsapp, url, provider: "twilio")] {
            guard case .success(.direct(let request)) = Self.plan(envelope) else {
                Issue.record("not a direct download")
                return
            }
            #expect(request.url.absoluteString == url)
            #expect(request.headers["Authorization"] == "Basic " + Data("AC1:tw-secret".utf8).base64EncodedString())
        }
        let elsewhere = Self.plan(Self.envelope(.sms, "http://evil.test/x"))
        #expect(throws: MediaFetchFailure.permanent("Twilio media URL is not on the Twilio API host")) {
            try elsewhere.get()
        }
    }

    @Test func messengerDownloadsTheAttachmentURLWithoutCredentials() throws {
        guard case .success(.direct(let request)) = Self.plan(Self.envelope(.messenger, "https://cdn.test/a.jpg?sig=1"))
        else { Issue.record("not a direct download"); return }
        #expect(request.url.absoluteString == "https://cdn.test/a.jpg?sig=1")
        #expect(request.headers.isEmpty)
    }

    @Test func missingCredentialsAreAPermanentFailureNamingNoSecret() {
        let none = TenantSecrets(tenantIds: ["demo"], environment: [:])
        for channel in [Channel.whatsapp, .telegram, .sms] {
            let reference = channel == .sms ? "http://tw.test/m" : "id1"
            guard case .failure(let failure) = Self.plan(Self.envelope(channel, reference), secrets: none) else {
                Issue.record("planned without credentials")
                continue
            }
            #expect(!failure.isRetriable)
            #expect(failure.reason.hasSuffix("is not configured") || failure.reason.hasSuffix("are not configured"))
        }
        #expect(!MediaSource.fetches(Self.envelope(.webchat, "https://x.test/a.png")))
    }

    @Test func retryDecisions() {
        #expect(MediaFetchFailure.status(503, from: "WhatsApp").isRetriable)
        #expect(MediaFetchFailure.status(429, from: "WhatsApp").isRetriable)
        #expect(MediaFetchFailure.status(408, from: "WhatsApp").isRetriable)
        #expect(!MediaFetchFailure.status(404, from: "WhatsApp").isRetriable)
        #expect(!MediaFetchFailure.status(401, from: "WhatsApp").isRetriable)
        #expect(MediaFetchFailure.status(500, from: "Telegram").reason == "Telegram answered HTTP 500")
        #expect(MediaFetchFailure.transport(ProviderHTTPError(code: .timeout, host: "h"), from: "x").isRetriable)
    }

    @Test func checkPicksTheDeclaredTypeAndVerifiesTheChecksum() throws {
        let policy = MediaPolicy(maxBytes: 8)
        let bytes: [UInt8] = [1, 2, 3]
        let sha = MediaStore.sha256(bytes)
        #expect(sha == "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81")
        let ok = try MediaFetchHandler.check(
            FetchedMedia(bytes: bytes, declaredType: "application/octet-stream", expectedSHA256: sha.uppercased()),
            declared: "image/png", policy
        ).get()
        #expect(ok.contentType == "image/png")
        let mismatch = MediaFetchHandler.check(
            FetchedMedia(bytes: bytes, declaredType: "image/png", expectedSHA256: String(repeating: "0", count: 64)),
            declared: nil, policy)
        #expect(throws: MediaFetchFailure.transient("media checksum does not match the vendor's sha256")) {
            try mismatch.get()
        }
        let html = MediaFetchHandler.check(
            FetchedMedia(bytes: bytes, declaredType: "text/html", expectedSHA256: nil), declared: "image/png", policy)
        #expect(throws: MediaFetchFailure.permanent("media type text/html is not allowed")) { try html.get() }
        let big = MediaFetchHandler.check(
            FetchedMedia(bytes: Array(repeating: 0, count: 9), declaredType: "image/png", expectedSHA256: nil),
            declared: nil, policy)
        #expect(throws: MediaFetchFailure.permanent("media is larger than 8 bytes")) { try big.get() }
    }

    @Test func fileNamesAreSanitised() {
        // "\r\n" is one Character in Swift, so it becomes one "_".
        #expect(MediaFileName.sanitised("../../etc/pass wd\"\r\n.pdf") == "pass_wd__.pdf")
        #expect(MediaFileName.sanitised(".hidden") == "hidden")
        #expect(MediaFileName.sanitised("résumé.pdf") == "r_sum_.pdf")
        let media = Content.Media(reference: "x", mimeType: "image/jpeg")
        #expect(MediaFetchHandler.fileName(media, type: "image/svg+xml") == "media.svg")
    }

    @Test func fileIdsAreStablePerMessageAndDifferPerTenant() {
        let a = MediaStore.fileId(tenantId: "demo", messageId: "m1", index: 0)
        #expect(a == MediaStore.fileId(tenantId: "demo", messageId: "m1", index: 0))
        #expect(a != MediaStore.fileId(tenantId: "night", messageId: "m1", index: 0))
        #expect(a != MediaStore.fileId(tenantId: "demo", messageId: "m1", index: 1))
        #expect(a.count == 32 && a.allSatisfy(\.isHexDigit))
    }
}
