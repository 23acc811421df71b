import Foundation
import Testing

@testable import SwitchboardCore

@Suite("Static embeddings")
struct StaticEmbeddingsTests {
    /// Four tokens in two dimensions: `play` (1, 0), `##ing` (0, 1), `##s` (1, 1), `run` (−1, 0); scales 0.5
    /// and 1, so `play` is stored as (2, 0) × 0.5.
    static func table() throws -> StaticEmbeddings {
        try StaticEmbeddings(
            dimensions: 2, tokens: ["play", "##ing", "##s", "run"], scales: [0.5, 1, 1, 1],
            values: [2, 0, 0, 1, 1, 1, -1, 0])
    }

    /// The file format `deploy/nlu/distil_embeddings.py` writes, built byte by byte.
    static func file(_ table: StaticEmbeddings, version: Int64 = 1) -> Data {
        var data = Data("SWBEMB\r\n".utf8)
        func int(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        int(version)
        int(Int64(table.dimensions))
        int(Int64(table.tokens.count))
        for token in table.tokens {
            int(Int64(token.utf8.count))
            data.append(contentsOf: Array(token.utf8))
        }
        for scale in table.scales {
            withUnsafeBytes(of: scale.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: table.values.map { UInt8(bitPattern: $0) })
        return data
    }

    @Test("a known word is its own token; another is split into WordPiece pieces, or into none")
    func pieces() throws {
        let table = try Self.table()
        #expect(table.pieces("play") == [0])
        #expect(table.pieces("playing") == [0, 1])
        #expect(table.pieces("plays") == [0, 2])
        #expect(table.pieces("playsing") == [0, 2, 1])
        #expect(table.pieces("ing") == [], "a continuation piece does not start a word")
        #expect(table.pieces("jump") == [])
    }

    @Test("a text's embedding is the normalised mean of its token vectors; unknown words add nothing")
    func embedding() throws {
        let table = try Self.table()
        // play (1, 0) + play (1, 0) + ##ing (0, 1) + run (−1, 0) = (1, 1) → (1, 1) / √2.
        let vector = try #require(table.embedding(["play", "playing", "jump", "run"]))
        let half = Float(0.5).squareRoot()
        #expect(vector == [half, half])
        #expect(table.embedding(["jump", "ing"]) == nil)
        #expect(table.embedding(["play", "run"]) == nil, "vectors that cancel out have no direction")
    }

    @Test("the distilled file format reads back; damaged or foreign files are refused")
    func fileFormat() throws {
        let table = try Self.table()
        let read = try StaticEmbeddings(file: Self.file(table))
        #expect(read.tokens == table.tokens && read.scales == table.scales && read.values == table.values)
        #expect(read.pieces("playing") == [0, 1])
        #expect(throws: NLUModelFileError("embedding file format is not supported")) {
            try StaticEmbeddings(file: Self.file(table, version: 2))
        }
        #expect(throws: NLUModelFileError("the model file is truncated")) {
            try StaticEmbeddings(file: Self.file(table).dropLast())
        }
        #expect(throws: NLUModelFileError("not a Switchboard embedding file")) {
            try StaticEmbeddings(file: Data("SWBNLU\r\n".utf8))
        }
    }

    @Test("the shipped table loads: MiniLM's WordPiece vocabulary in 256 dimensions")
    func builtIn() throws {
        let table = try #require(StaticEmbeddings.builtIn, "the resource \(StaticEmbeddings.resourceName) is missing")
        #expect(table.dimensions == 256)
        #expect(table.tokens.count > 20000)
        #expect(!table.pieces("unsubscribe").isEmpty)
    }

    @Test("embeddings are used when the data has out-of-scope examples, or when asked; not otherwise")
    func automatic() throws {
        let inScope = """
            nlu:
              - intent: greet
                examples: |
                  - hello
                  - good morning
              - intent: goodbye
                examples: |
                  - bye
                  - see you later
            """
        let withOutOfScope =
            inScope + """

                  - intent: oos
                    examples: |
                      - what is the capital of peru
                """
        #expect(try !NLUModel(training: NLUTrainingData.parse(yaml: inScope)).usesEmbeddings)
        #expect(try NLUModel(training: NLUTrainingData.parse(yaml: withOutOfScope)).usesEmbeddings)
        #expect(try NLUModel(training: NLUTrainingData.parse(yaml: inScope), embeddings: true).usesEmbeddings)
        #expect(try !NLUModel(training: NLUTrainingData.parse(yaml: withOutOfScope), embeddings: false).usesEmbeddings)
    }

    @Test("with embeddings, a synonym that shares no word with the training data finds its intent")
    func paraphrase() throws {
        let yaml = """
            nlu:
              - intent: greet
                examples: |
                  - hello
                  - hi there
                  - good morning
              - intent: goodbye
                examples: |
                  - bye
                  - see you later
                  - goodbye
              - intent: weather
                examples: |
                  - is it going to rain
                  - what is the forecast
            """
        let training = try NLUTrainingData.parse(yaml: yaml)
        let dense = try NLUModel(training: training, embeddings: true)
        let sparse = try NLUModel(training: training, embeddings: false)
        for (text, intent) in [("farewell", "goodbye")] {
            let withEmbeddings = dense.classify(text)
            #expect(withEmbeddings.intent == intent, "\(text): \(withEmbeddings.ranking)")
            let without = sparse.classify(text)
            #expect(
                without.intent != intent || without.confidence < withEmbeddings.confidence,
                "\(text): without embeddings \(without.ranking)")
        }
    }
}
