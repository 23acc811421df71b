import Foundation
import SwitchboardCore
import Testing

@Suite("Built-in NLP")
struct NLPEngineTests {
    let policy = BotPolicy()

    /// The demo model, trained once per process off the concurrency pool. A `static let` trained in its
    /// initialiser blocked every pool thread that touched it while the first trained it (seconds in a debug
    /// build): on two cores that stalled the whole test run, and unrelated network tests timed out.
    static func demo() async throws -> NLUModel {
        try await heavyCPUWork { try DemoTrainingData.model() }
    }

    func decide(_ text: String, variant: Int = 0) async throws -> NLPDecision {
        let demo = try await Self.demo()
        return policy.decide(demo.classify(text), templates: demo.templates, variant: variant)
    }

    @Test("the demo training YAML parses with intents, regex and responses")
    func parseDemo() throws {
        let data = try NLUTrainingData.parse(yaml: DemoTrainingData.yaml)
        #expect(
            data.intents.map(\.name) == [
                "greet", "goodbye", "thanks", "opening_hours", "order_status", "human_handoff",
            ])
        #expect(
            data.intents.first { $0.name == "order_status" }?.examples.contains(
                "what is the status of my order AB123456") == true)
        #expect(data.regexes["order_id"] == [#"\b[A-Z]{2}\d{6}\b"#])
        #expect(data.responses["utter_greet"]?.count == 2)
    }

    @Test(
        "the demo bot answers its intents",
        arguments: [
            ("Hello!", "greet"),
            ("hey there", "greet"),
            ("Thank you so much", "thanks"),
            ("When are you open on Saturday?", "opening_hours"),
            ("Where is my order", "order_status"),
            ("ok bye, see you", "goodbye"),
        ])
    func answers(text: String, intent: String) async throws {
        let decision = try await decide(text)
        guard case .reply(_, let got, let confidence, _) = decision else {
            Issue.record("expected a reply for '\(text)', got \(decision)")
            return
        }
        #expect(got == intent)
        #expect(confidence >= 0.5)
    }

    @Test("entities are extracted and fill the template; the most specific variant wins")
    func entities() async throws {
        let demo = try await Self.demo()
        let result = demo.classify("Hi, what is the status of order XY987654?")
        #expect(result.entities == [Entity(name: "order_id", value: "XY987654", start: 32, end: 40)])
        for variant in 0..<3 {
            #expect(
                try await decide("What's the status of order XY987654", variant: variant)
                    == .reply(
                        text: "Let me check order XY987654 for you. You will get an update here shortly.",
                        intent: "order_status",
                        confidence: demo.classify("What's the status of order XY987654").confidence,
                        entities: [Entity(name: "order_id", value: "XY987654", start: 27, end: 35)]))
        }
        guard case .reply(let text, _, _, _) = try await decide("where is my order") else {
            Issue.record("expected a reply")
            return
        }
        #expect(text.contains("two letters and six digits"))
    }

    @Test("the same text gets the same confidence, to the bit, from every model trained on the same data")
    func deterministic() async throws {
        // Several instances (as several nlp-plugin replicas or a retrained tenant hold): dictionary iteration
        // order differs per instance, so any sum taken in that order differs in its last bits.
        let models = try await heavyCPUWork { try (0..<8).map { _ in try NLUModel(yaml: DemoTrainingData.yaml) } }
        let sentences = [
            "What's the status of order XY987654", "Hello there, are you open on Sunday?",
            "I want to talk to a real person about my parcel", "thanks a lot, bye", "asdf qwerty",
        ]
        for sentence in sentences {
            let results = models.map { $0.classify(sentence) }
            let reference = try await Self.demo().classify(sentence)
            for result in results {
                #expect(result.confidence.bitPattern == reference.confidence.bitPattern, "\(sentence)")
                #expect(result.ranking == reference.ranking, "\(sentence)")
            }
        }
    }

    @Test("responses rotate deterministically by variant")
    func rotation() async throws {
        guard case .reply(let first, _, _, _) = try await decide("hello", variant: 0),
            case .reply(let second, _, _, _) = try await decide("hello", variant: 1),
            case .reply(let third, _, _, _) = try await decide("hello", variant: 2)
        else {
            Issue.record("expected replies")
            return
        }
        #expect(first != second)
        #expect(first == third)
    }

    @Test("asking for a person hands over with customer_asked_for_human")
    func humanIntent() async throws {
        let decision = try await decide("I'd like to speak with a real person please")
        guard case .handover(let reason, let intent, _) = decision else {
            Issue.record("expected handover, got \(decision)")
            return
        }
        #expect(reason == .customerAskedForHuman)
        #expect(intent == "human_handoff")
    }

    @Test(
        "off-topic text hands over with low_confidence",
        arguments: [
            "what is the capital of mongolia",
            "my washing machine makes a strange noise",
            "asdf qwerty zxcv",
            "",
        ])
    func lowConfidence(text: String) async throws {
        guard case .handover(let reason, _, let confidence) = try await decide(text) else {
            Issue.record("expected handover for '\(text)'")
            return
        }
        #expect(reason == .lowConfidence)
        #expect(confidence < 0.5)
    }

    @Test("an intent without a response template hands over with no_response")
    func noResponse() throws {
        let model = try NLUModel(
            yaml: """
                nlu:
                  - intent: refund
                    examples: |
                      - I want my money back
                      - refund please
                  - intent: greet
                    examples: |
                      - hello
                responses:
                  utter_greet:
                    - text: "Hi {name}!"
                """)
        #expect(
            policy.decide(model.classify("I want a refund, give my money back"), templates: model.templates)
                == .handover(
                    reason: .noResponse, intent: "refund",
                    confidence: model.classify("I want a refund, give my money back").confidence))
        // A template whose placeholder cannot be filled is never sent.
        #expect(policy.decide(model.classify("hello"), templates: model.templates).isHandover(.noResponse))
    }

    @Test("the engine serves per-tenant models and rejects unknown tenants")
    func engine() async throws {
        let engine = BuiltInNLPEngine(models: ["demo": try await Self.demo()])
        let result = try engine.classify(text: "good morning", tenantId: "demo")
        #expect(result.intent == "greet")
        #expect(result.ranking.count == 6)
        #expect(result.ranking.map(\.confidence) == result.ranking.map(\.confidence).sorted(by: >))
        #expect(engine.templates(forTenant: "demo") != nil)
        let generic: any NLPEngine = engine
        await #expect(throws: NLPError.unknownTenant("other")) {
            try await generic.classify(text: "hi", tenantId: "other")
        }
    }

    @Test("tokens are lowercased and accents folded")
    func tokenizer() {
        #expect(Tokenizer.words("Grüße, CAFÉ! Don't-stop 42x") == ["grusse", "cafe", "dont", "stop", "42x"])
    }

    @Test(
        "bad training files give clear errors",
        arguments: [
            ("nlu:\n  - intent: greet\n    examples: \"\"", "has no examples"),
            ("nlu:\n  - regex: id\n    examples: |\n      - [unclosed", "regex 'id'"),
            ("nlu:\n  - foo: bar", "has no intent"),
            ("nlu: [", "not valid"),
            ("version: \"3.1\"", "no intents"),
        ])
    func badTraining(yaml: String, fragment: String) {
        do {
            _ = try NLUModel(yaml: yaml)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }
}

extension NLPDecision {
    func isHandover(_ expected: HandoverReason) -> Bool {
        if case .handover(let reason, _, _) = self { reason == expected } else { false }
    }
}
