import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStages

@Suite("agent API: stored media, authenticated and per tenant")
struct AgentMediaAPITests {
    static let path = "/api/v1/agent/media/"

    func headers(_ key: String?) -> HTTPFields {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return headers
    }

    @Test func servesTheTenantsMediaWithSafeHeadersOnly() async throws {
        let fixture = try await HandoverFixture()
        defer { Task { await fixture.drop() } }
        let image: [UInt8] = Array(repeating: 0xAB, count: 300_000)
        let png = try await fixture.test.database.media.store(
            MediaStore.Upload(
                tenantId: "demo", messageId: "m-1", customerId: "c-1", contentType: "image/png",
                fileName: "photo.png", bytes: image))
        let pdf = try await fixture.test.database.media.store(
            MediaStore.Upload(
                tenantId: "demo", messageId: "m-2", customerId: "c-1", contentType: "application/pdf",
                fileName: "in\"voice\r\n.pdf", bytes: Array("%PDF-1.4".utf8)))
        let app = fixture.application(sink: RecordingSink())
        try await app.test(.router) { client in
            try await client.execute(uri: Self.path + png._id, method: .get, headers: headers(nil)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.body.readableBytes < 200)
            }
            try await client.execute(
                uri: Self.path + png._id, method: .get, headers: headers(HandoverFixture.otherTenantAgentKey)
            ) { #expect($0.status == .notFound) }
            try await client.execute(
                uri: Self.path + "not-hex", method: .get, headers: headers(HandoverFixture.agentKey)
            ) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(
                uri: Self.path + png._id, method: .get, headers: headers(HandoverFixture.agentKey)
            ) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.readableBytesView) == image)
                #expect(response.headers[.contentType] == "image/png")
                #expect(response.headers[.contentLength] == "300000")
                #expect(response.headers[.contentDisposition] == #"inline; filename="photo.png""#)
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[.contentSecurityPolicy] == nil)
            }
            try await client.execute(
                uri: Self.path + pdf._id, method: .get, headers: headers(HandoverFixture.agentKey)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(response.headers[.contentDisposition] == #"attachment; filename="in_voice_.pdf""#)
                #expect(response.headers[.contentSecurityPolicy] == "default-src 'none'; sandbox")
            }
        }
    }

    @Test func messageViewsCarryTheMediaStateAndURL() throws {
        var envelope = Envelope(
            id: UUIDv7Generator().next(), tenantId: "demo", channel: .whatsapp, direction: .inbound,
            externalId: "u", content: .media(.init(reference: "MEDIA1", mimeType: "image/jpeg", fileName: "a b.jpg")),
            receivedAt: Date(), traceId: "t")
        var message = MessageStore.StoredMessage(envelope, status: "received", at: Date())
        #expect(MessageView(message).media?.state == "pending")
        message.media_status = .failed("WhatsApp answered HTTP 404", at: Date())
        let failed = try #require(MessageView(message).media)
        #expect(failed.state == "failed" && failed.reason == "WhatsApp answered HTTP 404" && failed.url == nil)
        message.media_status = MediaStatus(
            state: .stored, id: "0123abcd", size: 5, mime_type: "image/jpeg", sha256: "x", reason: nil, at: Date())
        let stored = try #require(MessageView(message).media)
        #expect(stored.state == "stored" && stored.url == "/api/v1/agent/media/0123abcd" && stored.size == 5)
        #expect(stored.fileName == "a_b.jpg")
        envelope.content = .text("hi")
        #expect(MessageView(MessageStore.StoredMessage(envelope, status: "received", at: Date())).media == nil)
    }
}
