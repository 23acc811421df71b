import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStages

/// `switchboard nlu parse`: what a model makes of one message, and what the bot would do with it.
struct NLUParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Show the intents, confidences, entities and bot decision for one message.",
        discussion: """
            The model is --model, --data, or the tenant's: its nlp.model_file or nlp.training_file from the tenants file
            (--tenants, default SWITCHBOARD_TENANTS_FILE or deploy/tenants.yaml), the demo data when it names
            none. The decision uses the tenant's confidence threshold (0.5 without a tenant).
            """
    )

    @Argument(help: "The message.") var text: String
    @OptionGroup var source: NLUModelOptions
    @Option(help: "The tenant whose model and threshold to use.") var tenant: String?
    @Option(help: "The tenants file.") var tenants: String?

    func run() throws {
        let (model, settings) = try modelAndSettings()
        let result = model.classify(text)
        printLine("intent: \(result.intent ?? "(none)")  confidence: \(String(format: "%.4f", result.confidence))")
        for score in result.ranking.prefix(5) {
            printLine("  \(String(format: "%.4f", score.confidence))  \(score.intent)")
        }
        for entity in result.entities {
            printLine("entity: \(entity.name) = \"\(entity.value)\" [\(entity.start ?? 0), \(entity.end ?? 0))")
        }
        switch settings.botPolicy.decide(result, templates: model.templates) {
        case .reply(let reply, _, _, _):
            printLine("decision: reply \"\(reply)\"")
        case .handover(let reason, _, _):
            printLine("decision: hand over (\(reason.rawValue)) at threshold \(settings.confidenceThreshold)")
        }
    }

    private func modelAndSettings() throws -> (NLUModel, TenantConfiguration.NLPSettings) {
        guard let tenant else {
            if source.model == nil, source.data == nil {
                return (try DemoTrainingData.model(), .init())
            }
            return (try source.load().model, .init())
        }
        let path =
            tenants ?? ProcessInfo.processInfo.environment["SWITCHBOARD_TENANTS_FILE"] ?? "deploy/tenants.yaml"
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIFailure.notFound("cannot read the tenants file \(path)")
        }
        let directory: TenantDirectory
        do {
            directory = try TenantDirectory(parsing: text)
        } catch {
            throw CLIFailure.usage("\(path): \(error)")
        }
        guard let configuration = directory.tenants.first(where: { $0.id == tenant }) else {
            throw CLIFailure.notFound("no tenant '\(tenant)' in \(path)")
        }
        if source.model != nil || source.data != nil { return (try source.load().model, configuration.nlp) }
        // The same file nlp-plugin would use, with the same errors.
        let modelSource = NLPModelSource(
            tenant: configuration, directory: URL(fileURLWithPath: path).deletingLastPathComponent())
        let contents = try modelSource.url.map { try NLUFiles.read($0.path) } ?? Data()
        do {
            return (try modelSource.model(from: contents), configuration.nlp)
        } catch {
            throw CLIFailure.usage("\(error)")
        }
    }
}
