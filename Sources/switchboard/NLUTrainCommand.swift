import ArgumentParser
import Foundation
import SwitchboardCore

/// `switchboard nlu train`: trains a model and writes it as a versioned file with a checksum.
struct NLUTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model from YAML or JSON training data and write the model file."
    )

    @Option(help: "Training data (YAML or JSON).") var data: String
    @Option(help: "The model file to write.") var out = "nlu.model"
    @Option(
        help: "Whether the classifier uses the static embeddings (on or off; default: when the data has oos examples)."
    ) var embeddings: NLUEmbeddingsOption?

    func run() throws {
        let training = try NLUFiles.trainingData(data)
        let (model, seconds, cpu) = try NLUFiles.train(training, path: data, embeddings: embeddings?.enabled)
        let bytes = model.serialized()
        try NLUFiles.write(bytes, to: out)
        let examples = training.intents.reduce(0) { $0 + $1.examples.count }
        printLine(
            "trained on \(examples) examples, \(model.intents.count) intents in \(String(format: "%.2f", seconds)) s (\(String(format: "%.2f", cpu)) s CPU)"
        )
        let temperature = String(format: "%.4f", model.confidenceTemperature)
        printLine(model.featureSummary)
        printLine("confidence temperature \(temperature) (fitted on held-out examples)")
        if !model.learnedEntityTypes.isEmpty {
            printLine("entity types learned: \(model.learnedEntityTypes.joined(separator: ", "))")
        }
        printLine("wrote \(out) (\(bytes.count) bytes, \(NLUModel.fileSummary(bytes)))")
    }
}
