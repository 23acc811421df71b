import ArgumentParser
import Foundation

/// `switchboard-bench micro`: the in-process hot paths, no I/O while timing.
struct MicroCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "micro",
        abstract: "Time envelope coding, NLP classification, webhook signatures, WhatsApp parsing, text splitting.",
        discussion: """
            Pure and in-process. Each benchmark is calibrated so one run lasts about --run-ms, run --runs \
            times, and reported as iterations per run, ops/s and ns/op (medians). Then the process's peak RSS.
            """
    )

    @Option(help: "Timed runs per benchmark (the median is reported).") var runs = 5
    @Option(name: .customLong("run-ms"), help: "Target length of one timed run, in milliseconds.") var runMilliseconds =
        300
    @Option(help: "Rasa-like training file for the NLP benchmarks.") var training = "deploy/nlp/demo.yml"
    @Option(help: "The shared channel fixtures (for whatsapp/text.json); an embedded payload when absent.")
    var fixtures = "../shared/fixtures/channels"
    @Option(help: "Only benchmarks whose name contains this.") var filter: String?

    func validate() throws {
        guard runs >= 1, runMilliseconds >= 1 else { throw ValidationError("--runs and --run-ms must be at least 1") }
    }

    func run() throws {
        let inputs = try MicroInputs.load(training: training, fixtures: fixtures)
        printLine("switchboard-bench micro: \(runs) runs of ~\(runMilliseconds) ms each, median reported")
        printLine("  training: \(inputs.trainingSource); whatsapp payload: \(inputs.whatsAppSource)")
        printLine("")
        let benchmarks = try MicroBenchmarks.all(inputs).filter { filter == nil || $0.name.contains(filter!) }
        var stopwatch = Stopwatch(runs: runs, runTime: .milliseconds(runMilliseconds))
        var table = Table("benchmark", "input", "iterations", "ops/s", "ns/op")
        for benchmark in benchmarks {
            let result = stopwatch.measure(benchmark)
            table.add(
                result.name, result.detail, "\(result.iterations)", Self.grouped(result.opsPerSecond),
                Self.grouped(result.medianNanoseconds))
        }
        printLine(table.render())
        printLine("")
        if let memory = ProcessMemory.current() {
            printLine("peak RSS (VmHWM): \(formatBytes(memory.peakResidentBytes))")
        }
        if stopwatch.checksum == Int.min { printLine("") }  // keeps every result alive
    }

    /// `1 234 567` (whole numbers; thin groups read better than `1234567.0`).
    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (index, digit) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(" ") }
            out.append(digit)
        }
        return String(out.reversed())
    }
}
