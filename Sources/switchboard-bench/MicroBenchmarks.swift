import Foundation
import HTTPTypes
import SwitchboardCore
import SwitchboardStages

/// The micro benchmarks, each checked once before it is timed (a benchmark of a failing path measures
/// nothing).
enum MicroBenchmarks {
    static func all(_ inputs: MicroInputs) throws -> [MicroBenchmark] {
        [
            try envelopeCoding(),
            try nlpTraining(inputs),
            try nlpClassify(inputs),
            try webhookSignature(),
            try whatsAppParse(inputs),
            textSplitting(TextSplitter.whatsApp, name: "text split (WhatsApp)"),
            textSplitting(TextSplitter.sms, name: "text split (SMS)"),
        ]
    }

    /// A sessioned, annotated web chat envelope through JSON and back.
    static func envelopeCoding() throws -> MicroBenchmark {
        var envelope = Envelope(
            id: UUIDv7Generator().next(), tenantId: "demo", channel: .webchat, direction: .inbound,
            channelMessageId: "client-4711", externalId: "visitor-42", customerId: UUID().uuidString.lowercased(),
            sessionId: UUID().uuidString.lowercased(),
            content: .text("Hello, where is my order AB123456? It was due yesterday."), channelTimestamp: Date(),
            receivedAt: Date(), traceId: UUID().uuidString.lowercased())
        envelope.conversationId = "conversation-42"
        envelope.sequence = 3
        envelope.sessionOwner = .bot
        envelope.annotations = Annotations(
            intent: "order_status", entities: [Entity(name: "order_id", value: "AB123456", start: 24, end: 32)],
            confidence: 0.87, routeDecision: RouteDecision(target: .bot, reason: RouteReason(rawValue: "default")))
        let codec = EnvelopeCodec()
        let bytes = try codec.encode(envelope)
        // Dates travel with millisecond precision, so compare the bytes of a second encoding.
        guard try codec.encode(codec.decode(bytes)) == bytes else {
            throw BenchFailure.failed("envelope does not round-trip")
        }
        return MicroBenchmark(name: "envelope encode+decode", detail: "\(bytes.count) B JSON") { iterations in
            var sum = 0
            for _ in 0..<iterations {
                guard let encoded = try? codec.encode(envelope), let decoded = try? codec.decode(encoded) else {
                    continue
                }
                sum &+= encoded.count &+ (decoded.sequence.map(Int.init) ?? 0)
            }
            return sum
        }
    }

    /// What nlp-plugin does at start-up per tenant: parse the YAML and train the model.
    static func nlpTraining(_ inputs: MicroInputs) throws -> MicroBenchmark {
        _ = try NLUModel(yaml: inputs.trainingYAML)
        let yaml = inputs.trainingYAML
        return MicroBenchmark(name: "nlp train", detail: "\(yaml.utf8.count) B YAML") { iterations in
            var sum = 0
            for _ in 0..<iterations {
                if (try? NLUModel(yaml: yaml)) != nil { sum &+= 1 }
            }
            return sum
        }
    }

    static let sentences = [
        "hi there", "what are your opening hours", "where is my order AB123456?", "has my parcel shipped yet",
        "thanks a lot, bye", "are you open on sunday", "I want to talk to a human",
        "my package has not arrived and I am getting worried", "good morning", "do you sell gift cards",
    ]

    /// The built-in engine on a mix of sentences (one classification per operation).
    static func nlpClassify(_ inputs: MicroInputs) throws -> MicroBenchmark {
        let engine = BuiltInNLPEngine(models: ["demo": try NLUModel(yaml: inputs.trainingYAML)])
        guard try engine.classify(text: "what are your opening hours", tenantId: "demo").intent == "opening_hours"
        else { throw BenchFailure.failed("the trained model does not recognise opening_hours") }
        let sentences = Self.sentences
        return MicroBenchmark(name: "nlp classify", detail: "\(sentences.count) sentences") { iterations in
            var sum = 0
            for index in 0..<iterations {
                let result = try? engine.classify(text: sentences[index % sentences.count], tenantId: "demo")
                sum &+= result?.intent?.utf8.count ?? 0
            }
            return sum
        }
    }

    /// `X-Hub-Signature-256` check of a 2 KB body, as channel-webhook does for WhatsApp and Messenger.
    static func webhookSignature() throws -> MicroBenchmark {
        let secret = "bench-app-secret-0123456789abcdef"
        let secrets = TenantSecrets(
            tenantIds: ["demo"], environment: ["SWITCHBOARD_TENANT_DEMO_WHATSAPP_APP_SECRET": secret])
        let security = MetaWebhookSecurity(
            appSecretName: "WHATSAPP_APP_SECRET", verifyTokenName: "WHATSAPP_VERIFY_TOKEN", secrets: secrets)
        let body = (0..<2048).map { UInt8(ascii: "a") &+ UInt8($0 % 26) }
        let signature = MetaWebhookSecurity.signature(body: body, appSecret: secret)
        let headers: HTTPFields = [HTTPField.Name("X-Hub-Signature-256")!: signature]
        try security.verify(headers: headers, body: body, tenantId: "demo")
        return MicroBenchmark(name: "webhook HMAC-SHA256 verify", detail: "2048 B body") { iterations in
            var sum = 0
            for _ in 0..<iterations {
                if (try? security.verify(headers: headers, body: body, tenantId: "demo")) != nil { sum &+= 1 }
            }
            return sum
        }
    }

    /// A WhatsApp webhook body to envelopes (decode, build, derive ids), as the adapter does per request.
    static func whatsAppParse(_ inputs: MicroInputs) throws -> MicroBenchmark {
        let adapter = WhatsAppAdapter(
            secrets: TenantSecrets(tenantIds: ["demo"], environment: [:]), configuration: ProviderConfiguration())
        let body = inputs.whatsAppBody
        let ids = UUIDv7Generator()
        let now = Date()
        let first = try adapter.parse(body: body, headers: [:], tenantId: "demo", receivedAt: now, ids: ids)
        guard !first.isEmpty else { throw BenchFailure.failed("the WhatsApp payload gave no envelopes") }
        return MicroBenchmark(name: "whatsapp webhook parse", detail: "\(body.count) B, \(first.count) envelope") {
            iterations in
            var sum = 0
            for _ in 0..<iterations {
                let envelopes = try? adapter.parse(
                    body: body, headers: [:], tenantId: "demo", receivedAt: now, ids: ids)
                sum &+= envelopes?.count ?? 0
            }
            return sum
        }
    }

    /// 20 KB of prose with some emoji, split for a provider's length limit.
    static func textSplitting(_ splitter: TextSplitter, name: String) -> MicroBenchmark {
        let sentence = "Your order AB123456 left our warehouse this morning and should arrive within two days. "
        var text = ""
        var index = 0
        while text.utf8.count < 20 * 1024 {
            text += sentence
            if index % 7 == 6 { text += "👍🏽 🇩🇪 " }
            index += 1
        }
        let parts = splitter.split(text).count
        return MicroBenchmark(name: name, detail: "\(text.utf8.count / 1024) KB → \(parts) parts") { iterations in
            var sum = 0
            for _ in 0..<iterations { sum &+= splitter.split(text).count }
            return sum
        }
    }
}
