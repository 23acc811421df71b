import ArgumentParser
import Foundation
import SwitchboardCore

/// `switchboard nlu`: train, measure and try the built-in NLU engine offline.
struct NLUCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nlu",
        abstract: "Train, evaluate and try the built-in NLU engine (no broker or database needed).",
        discussion: """
            Training data is Rasa-style YAML (intents with [value](entity) annotations, synonyms, lookups,
            regexes, responses) or the JSON of shared/nlp: [{"text", "intent", "entities": [{"entity",
            "start", "end"}]}] with offsets in Unicode scalars.
            """,
        subcommands: [NLUTrainCommand.self, NLUEvaluateCommand.self, NLUParseCommand.self]
    )
}

/// Where a command gets its model: a model file, or training data trained on the spot.
struct NLUModelOptions: ParsableArguments {
    @Option(help: "A model file written by `switchboard nlu train`.") var model: String?
    @Option(help: "Training data (YAML or JSON) to train a model from instead.") var data: String?
    @Option(
        help: "With --data: whether the classifier uses the static embeddings (on or off; default: when the data has oos examples)."
    ) var embeddings: NLUEmbeddingsOption?

    /// The model, its description, and the training time (wall, CPU) when it was trained here.
    func load() throws -> (model: NLUModel, description: String?, training: (wall: Double, cpu: Double)?) {
        switch (model, data) {
        case (let path?, nil):
            let bytes = try NLUFiles.read(path)
            do {
                let model = try NLUModel(serialized: bytes)
                return (model, NLUModel.fileSummary(bytes) + "; " + model.featureSummary, nil)
            } catch {
                throw CLIFailure.usage("\(path): \(error)")
            }
        case (nil, let path?):
            let training = try NLUFiles.trainingData(path)
            let (model, wall, cpu) = try NLUFiles.train(training, path: path, embeddings: embeddings?.enabled)
            return (model, model.featureSummary, (wall, cpu))
        default:
            throw CLIFailure.usage("give either --model or --data")
        }
    }
}

/// File handling shared by the `nlu` subcommands.
enum NLUFiles {
    static func read(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CLIFailure.notFound("cannot read \(path)")
        }
    }

    static func trainingData(_ path: String) throws -> NLUTrainingData {
        let bytes = try read(path)
        do {
            return try NLUTrainingData.parse(data: bytes)
        } catch {
            throw CLIFailure.usage("\(path): \(error)")
        }
    }

    /// Trains on one thread and measures it: the model, wall and CPU seconds.
    static func train(
        _ training: NLUTrainingData, path: String, embeddings: Bool?
    ) throws -> (NLUModel, Double, Double) {
        do {
            let (model, wall, cpu) = try NLUClock.measure { () throws(TenantConfigurationError) in
                try NLUModel(training: training, embeddings: embeddings)
            }
            return (model, wall, cpu)
        } catch {
            throw CLIFailure.usage("\(path): \(error)")
        }
    }

    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIFailure.usage("cannot write \(path)")
        }
    }
}

/// `--embeddings on|off`.
enum NLUEmbeddingsOption: String, ExpressibleByArgument {
    case on, off

    var enabled: Bool { self == .on }
}
