import Foundation
import SwitchboardCore
import SwitchboardRuntime
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStages

@Suite("media fetch against fake vendor servers and the local database")
struct MediaFetchTests {
    /// The tenant's vendor credentials, as the unit tests have them.
    static let secrets = MediaUnitTests.secrets

    static let image: [UInt8] = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 7) }

    /// A handler pointed at `server`, retrying quickly.
    static func handler(
        _ test: StageTestEnvironment, _ server: FakeVendorServer,
        configure: (inout MediaFetchConfiguration) -> Void = { _ in }
    ) -> MediaFetchHandler {
        var configuration = MediaFetchConfiguration()
        configuration.timeout = .seconds(10)
        configure(&configuration)
        return MediaFetchHandler(
            database: test.database, secrets: secrets,
            endpoints: MediaSource.Endpoints(
                whatsAppBase: server.baseURL, whatsAppVersion: "v21.0", telegramBase: server.baseURL,
                twilioBase: server.baseURL),
            configuration: configuration, connections: ProviderConnectionPool(),
            retry: RetryPolicy(
                maxAttempts: configuration.maxAttempts, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20)))
    }

    /// An inbound media message as the session stage stored it.
    static func stored(
        _ test: StageTestEnvironment, _ channel: Channel, _ reference: String, mimeType: String = "image/jpeg",
        provider: String? = nil
    ) async throws -> Envelope {
        var envelope = Envelope(
            id: UUIDv7Generator().next(), tenantId: "demo", channel: channel, direction: .inbound,
            channelMessageId: "m", externalId: "u", customerId: "c-1",
            content: .media(.init(reference: reference, mimeType: mimeType, fileName: "../photo 1.jpg")),
            receivedAt: Date(), traceId: "t")
        envelope.provider = provider
        try await test.database.messages.insertIfNew(
            MessageStore.StoredMessage(envelope, status: "received", at: Date()))
        return envelope
    }

    static func run(_ handler: MediaFetchHandler, _ test: StageTestEnvironment, _ envelopes: [Envelope]) async throws {
        let results = try await handler.handle(
            StageBatch(
                envelopes: envelopes, topic: test.topics.sessioned, generation: 0, topics: test.topics,
                logger: test.logger))
        for result in results {
            guard case .produced(let outputs) = result, outputs.isEmpty else {
                Issue.record("item not done: \(result)")
                return
            }
        }
    }

    static func status(_ test: StageTestEnvironment, _ envelope: Envelope) async throws -> MediaStatus? {
        try await test.database.messages.message(id: envelope.id)?.media_status
    }

    /// The stored bytes of `envelope`'s media.
    static func storedBytes(_ test: StageTestEnvironment, _ envelope: Envelope) async throws -> [UInt8]? {
        guard
            let file = try await test.database.media.existing(
                tenantId: "demo", messageId: envelope.id.uuidString.lowercased())
        else { return nil }
        return try await test.database.media.contents(of: file)
    }

    @Test func whatsAppLooksUpThenDownloadsWithTheBearerTokenAndChecksTheChecksum() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        try await FakeVendorServer.with { server in
            let sha = MediaStore.sha256(Self.image)
            server.script(
                "/v21.0/MEDIA1",
                [
                    .json(
                        200,
                        #"{"url":"\#(server.baseURL)/lookaside/MEDIA1?token=x","mime_type":"image/jpeg","sha256":"\#(sha)","file_size":300000}"#
                    )
                ])
            server.script("/lookaside/MEDIA1", [.bytes(200, Self.image, contentType: "image/jpeg")])
            let envelope = try await Self.stored(test, .whatsapp, "MEDIA1", provider: "meta")
            let handler = Self.handler(test, server)
            try await Self.run(handler, test, [envelope])

            let lookup = try #require(server.requests(to: "/v21.0/MEDIA1").first)
            #expect(lookup.method == "GET" && lookup.header("Authorization") == "Bearer wa-token")
            let download = try #require(server.requests(to: "/lookaside/MEDIA1").first)
            #expect(download.header("Authorization") == "Bearer wa-token")
            #expect(try await Self.storedBytes(test, envelope) == Self.image)
            let status = try #require(try await Self.status(test, envelope))
            #expect(status.state == .stored && status.size == 300_000 && status.sha256 == sha)
            #expect(status.mime_type == "image/jpeg")
            let file = try #require(try await test.database.media.file(id: status.id ?? "", tenantId: "demo"))
            #expect(file.filename == "photo_1.jpg")
            #expect(file.metadata.customer_id == "c-1")

            // A redelivery finds the file: no second download, the same outcome.
            try await Self.run(handler, test, [envelope])
            #expect(server.requests.count == 2)
            #expect(try await Self.status(test, envelope)?.id == status.id)
        }
    }

    @Test func whatsAppBytesThatDoNotMatchItsChecksumAreRetriedThenRecorded() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        try await FakeVendorServer.with { server in
            server.script(
                "/v21.0/MEDIA2",
                [
                    .json(
                        200,
                        #"{"url":"\#(server.baseURL)/lookaside/MEDIA2","mime_type":"image/jpeg","sha256":"\#(String(repeating: "a", count: 64))"}"#
                    )
                ])
            server.script("/lookaside/MEDIA2", [.bytes(200, [1, 2, 3], contentType: "image/jpeg")])
            let envelope = try await Self.stored(test, .whatsapp, "MEDIA2")
            try await Self.run(Self.handler(test, server) { $0.maxAttempts = 2 }, test, [envelope])
            #expect(server.requests(to: "/lookaside/MEDIA2").count == 2)
            let status = try #require(try await Self.status(test, envelope))
            #expect(status.state == .failed)
            #expect(status.reason == "media checksum does not match the vendor's sha256")
            #expect(try await Self.storedBytes(test, envelope) == nil)
        }
    }

    @Test func telegramGetsTheFilePathThenTheFile() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        try await FakeVendorServer.with { server in
            server.script(
                "/bot123:tg-token/getFile",
                [.json(200, #"{"ok":true,"result":{"file_path":"photos/file_7.jpg","file_size":300000}}"#)])
            server.script(
                "/file/bot123:tg-token/photos/file_7.jpg",
                [.bytes(200, Self.image, contentType: "application/octet-stream")])
            let envelope = try await Self.stored(test, .telegram, "AgACfile7")
            try await Self.run(Self.handler(test, server), test, [envelope])
            let getFile = try #require(server.requests(to: "/bot123:tg-token/getFile").first)
            #expect(getFile.query == "file_id=AgACfile7")
            #expect(server.requests(to: "/file/bot123:tg-token/photos/file_7.jpg").count == 1)
            #expect(try await Self.storedBytes(test, envelope) == Self.image)
            // Telegram says octet-stream; the message's declared type is kept.
            #expect(try await Self.status(test, envelope)?.mime_type == "image/jpeg")
        }
    }

    @Test func twilioUsesBasicAuthAndDropsItWhenRedirectedElsewhere() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        try await FakeVendorServer.with { server in
            let path = "/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
            // Twilio answers with a redirect to its storage; "localhost" is another host than 127.0.0.1.
            server.script(path, [ScriptedRedirect.to("http://localhost:\(server.port)/storage/ME1")])
            server.script("/storage/ME1", [.bytes(200, Self.image, contentType: "image/jpeg")])
            let envelope = try await Self.stored(test, .sms, server.baseURL + path)
            try await Self.run(Self.handler(test, server), test, [envelope])
            let first = try #require(server.requests(to: path).first)
            #expect(first.header("Authorization") == "Basic " + Data("AC1:tw-secret".utf8).base64EncodedString())
            let second = try #require(server.requests(to: "/storage/ME1").first)
            #expect(second.header("Authorization") == nil)
            #expect(try await Self.storedBytes(test, envelope) == Self.image)
        }
    }

    @Test func messengerDownloadsTheAttachmentURLAsGiven() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        try await FakeVendorServer.with { server in
            server.script("/cdn/attachment.png", [.bytes(200, Self.image, contentType: "image/png")])
            let envelope = try await Self.stored(
                test, .messenger, server.baseURL + "/cdn/attachment.png?sig=abc", mimeType: "image/png")
            try await Self.run(Self.handler(test, server), test, [envelope])
            let request = try #require(server.requests(to: "/cdn/attachment.png").first)
            #expect(request.query == "sig=abc" && request.header("Authorization") == nil)
            #expect(try await Self.storedBytes(test, envelope) == Self.image)
            #expect(try await Self.status(test, envelope)?.state == .stored)
        }
    }

    @Test func serverErrorsAreRetriedThenTheFailureIsRecordedWithoutSecrets() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        try await FakeVendorServer.with { server in
            server.script("/bot123:tg-token/getFile", [.json(503, #"{"ok":false}"#)])
            let envelope = try await Self.stored(test, .telegram, "AgACbroken")
            try await Self.run(Self.handler(test, server) { $0.maxAttempts = 3 }, test, [envelope])
            #expect(server.requests(to: "/bot123:tg-token/getFile").count == 3)
            let status = try #require(try await Self.status(test, envelope))
            #expect(status.state == .failed)
            #expect(status.reason == "Telegram answered HTTP 503")
            #expect(status.reason?.contains("tg-token") == false)
        }
    }

    @Test func aRecoveredVendorIsStoredAndAPermanentRefusalIsNotRetried() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        try await FakeVendorServer.with { server in
            server.script("/cdn/flaky.png", [.init(status: 502), .bytes(200, [7, 7, 7], contentType: "image/png")])
            server.script("/cdn/gone.png", [.init(status: 404)])
            let flaky = try await Self.stored(
                test, .messenger, server.baseURL + "/cdn/flaky.png", mimeType: "image/png")
            let gone = try await Self.stored(test, .messenger, server.baseURL + "/cdn/gone.png", mimeType: "image/png")
            try await Self.run(Self.handler(test, server), test, [flaky, gone])
            #expect(try await Self.storedBytes(test, flaky) == [7, 7, 7])
            #expect(server.requests(to: "/cdn/gone.png").count == 1)
            #expect(try await Self.status(test, gone)?.reason == "media host answered HTTP 404")
        }
    }

    @Test func tooLargeAndRefusedTypesAreRecorded() async throws {
        let test = try await StageTestEnvironment()
        defer { Task { await test.drop() } }
        try await FakeVendorServer.with { server in
            server.script("/cdn/big.png", [.bytes(200, Self.image, contentType: "image/png")])
            let big = try await Self.stored(test, .messenger, server.baseURL + "/cdn/big.png", mimeType: "image/png")
            let exe = try await Self.stored(
                test, .messenger, server.baseURL + "/cdn/tool.exe", mimeType: "application/x-msdownload")
            try await Self.run(Self.handler(test, server) { $0.maxBytes = 100_000 }, test, [big, exe])
            #expect(try await Self.status(test, big)?.reason == "media is larger than 100000 bytes")
            #expect(try await Self.status(test, exe)?.reason == "media type application/x-msdownload is not allowed")
            // The refused type was never requested.
            #expect(server.requests(to: "/cdn/tool.exe").isEmpty)
        }
    }
}

/// A `302 Found` to `location`.
enum ScriptedRedirect {
    static func to(_ location: String) -> FakeVendorServer.ScriptedResponse {
        FakeVendorServer.ScriptedResponse(status: 302, headers: ["Location": location])
    }
}
