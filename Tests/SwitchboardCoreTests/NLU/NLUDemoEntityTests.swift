import SwitchboardCore
import Testing

@Suite("Demo tenant entities")
struct NLUDemoEntityTests {
    @Test("the tagger alone fills order_id from the demo's annotations, without the regex")
    func taggerFillsOrderId() async throws {
        // Trained off the concurrency pool: seconds of CPU in a debug build (see heavyCPUWork).
        let model = try await heavyCPUWork {
            var training = try NLUTrainingData.parse(yaml: DemoTrainingData.yaml)
            training.regexes = [:]
            return try NLUModel(training: training)
        }
        #expect(model.learnedEntityTypes == ["order_id"])
        let result = model.classify("where is my order AB123456")
        #expect(result.intent == "order_status")
        #expect(result.entities == [Entity(name: "order_id", value: "AB123456", start: 18, end: 26)])
        #expect(model.classify("hello there").entities.isEmpty)
    }

    @Test("with the regex too, an order id is reported once")
    func regexAndTaggerAgree() async throws {
        let model = try await heavyCPUWork { try DemoTrainingData.model() }
        #expect(
            model.classify("where is my order AB123456").entities == [
                Entity(name: "order_id", value: "AB123456", start: 18, end: 26)
            ])
    }

    @Test("a synonym normalises the tagged value")
    func synonyms() throws {
        let model = try NLUModel(
            yaml: """
                nlu:
                  - intent: weather
                    examples: |
                      - weather in [NYC](city:New York)
                      - weather in [Berlin](city)
                      - is it raining in [Paris](city)
                      - forecast for [NYC](city:New York) tomorrow
                      - forecast for [Rome](city)
                  - intent: greet
                    examples: |
                      - hello
                      - hi
                """)
        let entities = model.classify("forecast for NYC").entities
        #expect(entities == [Entity(name: "city", value: "New York", start: 13, end: 16)])
    }
}
