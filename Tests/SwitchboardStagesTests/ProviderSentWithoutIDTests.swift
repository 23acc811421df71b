import Foundation
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Synchronization
import Testing

/// A 2xx from the vendor means it took the message, whether or not its answer names an id we can read:
/// the reply counts as sent, once. Calling it failed would dead-letter a message the customer got, and a
/// replay would send it to them again.
@Suite("A vendor's 2xx without a message id is sent")
struct ProviderSentWithoutIDTests {
    static let envelopeId = UUID()

    func reply(_ channel: Channel, to externalId: String) -> Envelope {
        Envelope(
            id: Self.envelopeId, tenantId: "acme", channel: channel, direction: .outbound, externalId: externalId,
            content: .text("Your order has shipped"), receivedAt: .now, traceId: "t-1", sender: .bot)
    }

    func noRetries() -> RetryPolicy {
        RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(1), sleep: { _ in })
    }

    /// Answers scripted for the vendor's send path: an empty object, a body that is not JSON, no body.
    static let answersWithoutId: [FakeVendorServer.ScriptedResponse] = [
        .json(200, "{}"), .init(status: 200, body: "accepted"), .init(status: 202),
    ]

    @Test(arguments: answersWithoutId)
    func whatsApp(_ answer: FakeVendorServer.ScriptedResponse) async throws {
        try await FakeVendorServer.with { server in
            let path = "/v21.0/106540352242922/messages"
            server.script(path, [answer])
            let adapter = WhatsAppAdapter(
                secrets: ProviderFixtures.secrets([
                    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922", "WHATSAPP_ACCESS_TOKEN": "token-abc",
                ]),
                configuration: ProviderConfiguration(testing: ["SWITCHBOARD_WHATSAPP_API_BASE": server.baseURL]),
                retryPolicy: noRetries())
            let outcome = try await adapter.deliver(reply(.whatsapp, to: "16505551234"))
            #expect(outcome == .sent(providerMessageId: nil))
            #expect(outcome.storedStatus == "sent")
            #expect(server.requests(to: path).count == 1)
        }
    }

    @Test(arguments: answersWithoutId + [.json(200, #"{"recipient_id":"1254477777772919"}"#)])
    func messenger(_ answer: FakeVendorServer.ScriptedResponse) async throws {
        try await FakeVendorServer.with { server in
            let path = "/v21.0/me/messages"
            server.script(path, [answer])
            let adapter = MessengerAdapter(
                secrets: ProviderFixtures.secrets(["MESSENGER_PAGE_TOKEN": "page-token"]),
                configuration: ProviderConfiguration(testing: ["SWITCHBOARD_MESSENGER_API_BASE": server.baseURL]),
                retryPolicy: noRetries())
            let outcome = try await adapter.deliver(reply(.messenger, to: "1254477777772919"))
            #expect(outcome == .sent(providerMessageId: nil))
            #expect(server.requests(to: path).count == 1)
        }
    }

    @Test(arguments: answersWithoutId + [.json(200, #"{"ok":true,"result":{"chat":{"id":12345}}}"#)])
    func telegram(_ answer: FakeVendorServer.ScriptedResponse) async throws {
        try await FakeVendorServer.with { server in
            let path = "/botBOT-TOKEN-1/sendMessage"
            server.script(path, [answer])
            let adapter = TelegramAdapter(
                secrets: ProviderFixtures.secrets(["TELEGRAM_BOT_TOKEN": "BOT-TOKEN-1"]),
                providers: ProviderConfiguration(testing: ["SWITCHBOARD_TELEGRAM_API_BASE": server.baseURL]),
                retry: noRetries())
            let outcome = try await adapter.deliver(reply(.telegram, to: "12345"))
            #expect(outcome == .sent(providerMessageId: nil))
            #expect(server.requests(to: path).count == 1)
        }
    }

    @Test(arguments: answersWithoutId + [.json(201, #"{"status":"queued"}"#)])
    func twilio(_ answer: FakeVendorServer.ScriptedResponse) async throws {
        try await FakeVendorServer.with { server in
            let account = "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
            let path = "/2010-04-01/Accounts/\(account)/Messages.json"
            server.script(path, [answer])
            let adapter = TwilioAdapter(
                secrets: ProviderFixtures.secrets([
                    "TWILIO_ACCOUNT_SID": account, "TWILIO_AUTH_TOKEN": "auth-token", "TWILIO_FROM": "+15557122661",
                ]),
                providers: ProviderConfiguration(testing: ["SWITCHBOARD_TWILIO_API_BASE": server.baseURL]),
                retry: noRetries())
            let outcome = try await adapter.deliver(reply(.sms, to: "+15558675310"))
            #expect(outcome == .sent(providerMessageId: nil))
            #expect(server.requests(to: path).count == 1)
        }
    }

    /// A part sent without an id is kept as sent, so a redelivery of the reply does not send it again.
    @Test func aPartSentWithoutAnIdIsNotSentAgain() async throws {
        let recorded = RecordedParts()
        var progress = DeliveryProgress { index, id in recorded.add(index, id) }
        let first = try await progress.send(["a", "b"]) { part in
            part == "a" ? .sent(providerMessageId: nil) : .retriableFailure(reason: "HTTP 503")
        }
        #expect(first == .retriableFailure(reason: "HTTP 503"))
        #expect(recorded.parts == [0: ""])

        var resumed = DeliveryProgress(sent: recorded.parts)
        let parts = SentParts()
        let second = try await resumed.send(["a", "b"]) { part in
            parts.add(part)
            return .sent(providerMessageId: "id-\(part)")
        }
        #expect(parts.all == ["b"])
        #expect(second == .sent(providerMessageId: nil))
    }
}

/// What a ``DeliveryProgress`` recorded, by part index.
private final class RecordedParts: Sendable {
    private let state = Mutex<[Int: String]>([:])
    func add(_ index: Int, _ id: String) { state.withLock { $0[index] = id } }
    var parts: [Int: String] { state.withLock { $0 } }
}

/// The parts handed to the vendor, in order.
private final class SentParts: Sendable {
    private let state = Mutex<[String]>([])
    func add(_ part: String) { state.withLock { $0.append(part) } }
    var all: [String] { state.withLock { $0 } }
}
