import Foundation
import Testing

@testable import SwitchboardCore

@Suite("NLU training data")
struct NLUTrainingDataTests {
    @Test("inline annotations become spans in Unicode scalars; synonyms normalise values")
    func annotations() {
        let plain = NLUAnnotationParser.parse("fly from [NYC](city:New York) to [Paris](city) 🍕")
        #expect(plain.text == "fly from NYC to Paris 🍕")
        #expect(
            plain.entities == [
                EntitySpan(entity: "city", start: 9, end: 12, value: "New York"),
                EntitySpan(entity: "city", start: 16, end: 21),
            ])
        let json = NLUAnnotationParser.parse(#"🍕 [big]{"entity": "size", "value": "large"} please"#)
        #expect(json.text == "🍕 big please")
        #expect(json.entities == [EntitySpan(entity: "size", start: 2, end: 5, value: "large")])
        #expect(NLUAnnotationParser.parse("a [bracket] alone").text == "a [bracket] alone")
    }

    @Test("YAML keeps annotations, synonyms and lookup tables")
    func yaml() throws {
        let data = try NLUTrainingData.parse(
            yaml: """
                nlu:
                  - intent: book
                    examples: |
                      - book a table in [NYC](city:New York)
                      - a table in [Berlin](city) please
                  - synonym: San Francisco
                    examples: |
                      - SF
                      - san fran
                  - lookup: city
                    examples: |
                      - Rome
                      - Los Angeles
                """)
        #expect(data.examples.map(\.text) == ["book a table in NYC", "a table in Berlin please"])
        #expect(data.examples[1].entities == [EntitySpan(entity: "city", start: 11, end: 17)])
        #expect(data.synonyms["nyc"] == "New York")
        #expect(data.synonyms["sf"] == "San Francisco")
        #expect(data.lookups["city"] == ["Rome", "Los Angeles"])
    }

    @Test("the JSON benchmark format reads intents in order and refuses a span outside the text")
    func json() throws {
        let data = try NLUTrainingData.parse(
            data: Data(
                #"""
                [{"text": "play Yesterday", "intent": "PlayMusic", "entities": [{"entity": "track", "start": 5, "end": 14}]},
                 {"text": "rain tomorrow?", "intent": "GetWeather"},
                 {"text": "play jazz", "intent": "PlayMusic", "entities": []}]
                """#.utf8))
        #expect(data.intents.map(\.name) == ["PlayMusic", "GetWeather"])
        #expect(data.intents[0].examples == ["play Yesterday", "play jazz"])
        #expect(data.intents[0].entities == [[EntitySpan(entity: "track", start: 5, end: 14)], []])
        #expect(throws: TenantConfigurationError.self) {
            try NLUTrainingData.parse(
                json: Data(
                    #"[{"text": "hi", "intent": "a", "entities": [{"entity": "x", "start": 1, "end": 9}]}]"#.utf8))
        }
    }
}
