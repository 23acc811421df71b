import Testing

@testable import SwitchboardCore

@Suite("Entity tagger")
struct SequenceTaggerTests {
    static let examples: [NLUExample] = {
        let cities = ["Paris", "New York", "Berlin", "Madrid", "Buenos Aires", "Vienna", "Oslo", "Lisbon", "Dublin"]
        let dates = ["tomorrow", "on friday", "next week", "tonight"]
        var examples: [NLUExample] = []
        for (index, city) in cities.enumerated() {
            let date = dates[index % dates.count]
            for template in ["fly to {city} {date}", "book a flight to {city} {date}", "I want to go to {city} {date}"]
            {
                let annotated = template.replacingOccurrences(of: "{city}", with: "[\(city)](city)")
                    .replacingOccurrences(of: "{date}", with: "[\(date)](date)")
                let parsed = NLUAnnotationParser.parse(annotated)
                examples.append(NLUExample(text: parsed.text, intent: "fly", entities: parsed.entities))
            }
        }
        examples.append(NLUExample(text: "hello there", intent: "greet"))
        return examples
    }()

    @Test("tokens carry Unicode scalar offsets; punctuation is its own token")
    func tokens() {
        #expect(
            EntityTokenizer.tokens("🍕 to São-Paulo!") == [
                EntityToken(text: "🍕", start: 0, end: 1), EntityToken(text: "to", start: 2, end: 4),
                EntityToken(text: "São", start: 5, end: 8), EntityToken(text: "-", start: 8, end: 9),
                EntityToken(text: "Paulo", start: 9, end: 14), EntityToken(text: "!", start: 14, end: 15),
            ])
    }

    @Test("BIO tags from spans and back")
    func bio() {
        let tokens = EntityTokenizer.tokens("fly to New York now")
        let tags = SequenceTagger.tags(for: tokens, spans: [EntitySpan(entity: "city", start: 7, end: 15)])
        #expect(tags == ["O", "O", "B-city", "I-city", "O"])
        #expect(SequenceTagger.spans(tags: tags, tokens: tokens) == [EntitySpan(entity: "city", start: 7, end: 15)])
    }

    @Test("Viterbi never puts I-x after O, even when its emission is best")
    func constraint() {
        let tags = ["O", "B-city", "I-city"]
        #expect(SequenceTagger.predecessors(tags) == [[0, 1, 2, 3], [0, 1, 2, 3], [1, 2]])
        let transitions = [Float](repeating: 0, count: 12)
        let predecessors = SequenceTagger.predecessors(tags)
        // I-city scores best at both positions, but a sentence cannot start with it, nor follow O with it.
        let path = SequenceTagger.viterbi(2, predecessors: predecessors, transitions: transitions) { _, scores in
            scores = [1, 0.5, 5]
        }
        #expect(path == [1, 2])
        let afterO = SequenceTagger.viterbi(2, predecessors: predecessors, transitions: transitions) {
            position, scores in
            scores = position == 0 ? [9, 0, 0] : [0, 0, 5]
        }
        // O then I-city (9 + 5) is not allowed; B-city then I-city scores only 5.
        #expect(afterO == [0, 0])
    }

    @Test("learns spans from context and finds an unseen city")
    func learnsContext() throws {
        let tagger = try #require(SequenceTagger(examples: Self.examples, lookups: [:]))
        #expect(tagger.entityTypes == ["city", "date"])
        let text = "book a flight to Rome tomorrow"
        #expect(
            tagger.spans(in: text, intent: "fly") == [
                EntitySpan(entity: "city", start: 17, end: 21), EntitySpan(entity: "date", start: 22, end: 30),
            ])
        #expect(tagger.spans(in: "hello there", intent: "greet") == [])
    }

    @Test("a lookup table teaches a multi-word value")
    func lookup() throws {
        let tagger = try #require(
            SequenceTagger(examples: Self.examples, lookups: ["city": ["Paris", "Berlin", "Rio de Janeiro"]]))
        let spans = tagger.spans(in: "fly to Rio de Janeiro tonight", intent: "fly")
        #expect(spans.first { $0.entity == "city" } == EntitySpan(entity: "city", start: 7, end: 21))
    }

    @Test("training is deterministic to the bit")
    func deterministic() throws {
        let first = try #require(SequenceTagger(examples: Self.examples, lookups: [:]))
        let second = try #require(SequenceTagger(examples: Self.examples, lookups: [:]))
        #expect(first.rowWeights.map(\.bitPattern) == second.rowWeights.map(\.bitPattern))
        #expect(first.transitions.map(\.bitPattern) == second.transitions.map(\.bitPattern))
        #expect(SequenceTagger(examples: [NLUExample(text: "hi", intent: "greet")], lookups: [:]) == nil)
    }
}
