import Foundation
import Testing

@testable import SwitchboardCore

@Suite("NLU model file")
struct NLUModelFileTests {
    static let yaml = """
        nlu:
          - intent: order_status
            examples: |
              - where is order [AB123456](order_id)
              - status of my order [CD654321](order_id)
              - track [EF112233](order_id) please
          - intent: greet
            examples: |
              - hello
              - hi there
          - synonym: AB123456
            examples: |
              - my usual order
          - regex: order_id
            examples: |
              - \\b[A-Z]{2}\\d{6}\\b
        responses:
          utter_greet:
            - text: "Hello!"
        """

    @Test(
        "a saved model classifies like the trained one, to the bit, and saves to the same bytes",
        arguments: [false, true])
    func roundTrip(embeddings: Bool) throws {
        let model = try NLUModel(training: NLUTrainingData.parse(yaml: Self.yaml), embeddings: embeddings)
        #expect(model.usesEmbeddings == embeddings)
        let file = model.serialized()
        let loaded = try NLUModel(serialized: file)
        for text in ["where is order XY987654", "hello", "qwerty", "track GH445566 please"] {
            let original = model.classify(text)
            let reloaded = loaded.classify(text)
            #expect(original.confidence.bitPattern == reloaded.confidence.bitPattern, "\(text)")
            #expect(original == reloaded, "\(text)")
        }
        #expect(loaded.templates == model.templates)
        #expect(loaded.confidenceTemperature == model.confidenceTemperature)
        #expect(loaded.serialized() == file)
        #expect(NLUModel.fileSummary(file).hasPrefix("format 3, sha256 "))
    }

    @Test("a damaged payload is refused by its checksum")
    func checksum() throws {
        var file = try NLUModel(yaml: Self.yaml).serialized()
        file[file.count - 5] ^= 0x01
        #expect(throws: NLUModelFileError("model file checksum mismatch: the file is damaged or was edited")) {
            try NLUModel(serialized: file)
        }
    }

    @Test("another format version and other files are refused")
    func version() throws {
        var file = try NLUModel(yaml: Self.yaml).serialized()
        file[NLUModel.magic.count] = 9
        #expect(throws: NLUModelFileError("model file format version 9 is not supported (this build reads 3)")) {
            try NLUModel(serialized: file)
        }
        #expect(throws: NLUModelFileError("not a Switchboard NLU model file")) {
            try NLUModel(serialized: Data("version: 3.1\nnlu: []\n".utf8))
        }
    }
}
