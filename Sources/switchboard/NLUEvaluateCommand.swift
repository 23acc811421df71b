import ArgumentParser
import Foundation
import SwitchboardCore

/// `switchboard nlu evaluate`: scores a model on labelled test data, in the format the README documents.
struct NLUEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a model on labelled test data: intents, out-of-scope, entities, latency.",
        discussion: """
            Prints the report as Markdown. --report DIR also writes DIR/report.json and DIR/report.md.
            Latency is measured per message on one thread; measure in a release build.
            """
    )

    @OptionGroup var source: NLUModelOptions
    @Option(help: "Labelled test data (YAML or JSON).") var test: String
    @Option(help: "The confidence threshold to report at (the tenant's).") var threshold = 0.5
    @Option(help: "The intent that labels out-of-scope examples.") var outOfScopeIntent = "oos"
    @Option(help: "A directory to write report.json and report.md to.") var report: String?

    func run() throws {
        guard (0...1).contains(threshold) else { throw CLIFailure.usage("--threshold must be from 0 to 1") }
        let (model, description, training) = try source.load()
        let examples = try NLUFiles.trainingData(test).examples
        let (predictions, latencies) = model.predictions(for: examples) { body in
            let measured = NLUClock.measure(body)
            return (measured.wall * 1000, measured.cpu * 1000)
        }
        let evaluation = NLUEvaluation(
            predictions: predictions, threshold: threshold, outOfScopeIntent: outOfScopeIntent,
            latencies: latencies.map(\.wall), cpuLatencies: latencies.map(\.cpu), trainingSeconds: training?.wall,
            trainingCPUSeconds: training?.cpu, model: description)
        printLine(evaluation.markdown)
        if let report {
            do {
                try FileManager.default.createDirectory(
                    at: URL(fileURLWithPath: report), withIntermediateDirectories: true)
            } catch {
                throw CLIFailure.usage("cannot create \(report)")
            }
            let json: Data
            do {
                json = try evaluation.json()
            } catch {
                throw CLIFailure.usage("cannot encode the report: \(error)")
            }
            try NLUFiles.write(json, to: report + "/report.json")
            try NLUFiles.write(Data(evaluation.markdown.utf8), to: report + "/report.md")
        }
    }
}
