import ArgumentParser
import Foundation
import Logging
import SwitchboardCore
import SwitchboardMongo
import SwitchboardStages

/// `switchboard-bench search`: loads a database with messages as the pipeline stores them (and indexes them for
/// search), then prints search latency by kind of query. A figure to read, not a timed test.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Load messages as the pipeline stores them, then print search latency percentiles per query kind.",
        discussion: """
            Needs the database at $SWITCHBOARD_MONGO_URI. Loads into the database --database (kept, so that \
            --skip-load measures again without loading); --drop drops it at the end. The issue's target: under \
            200 ms over 1,000,000 messages.
            """
    )

    @Option(help: "Messages to load.") var messages = 1_000_000
    @Option(help: "Tenants they are spread over (queries run in one of them).") var tenants = 10
    @Option(help: "Customers per tenant.") var customers = 2000
    @Option(help: "Messages per bulk write (each writes the messages and their search entries).") var batch = 1000
    @Option(help: "Bulk writes in flight at once.") var writers = 4
    @Option(help: "Load from this message on (to resume a load; messages already stored are skipped).")
    var from = 0
    @Flag(help: "Load the newest messages first (a load cut short then holds the most recent days).")
    var newestFirst = false
    @Option(
        help: """
            The end of the corpus's thirty days, in seconds since 1970 (default: the next full hour). Give the \
            value the load printed to resume it or search it later: searches then run with the clock there.
            """)
    var corpusEnd: Double?
    @Option(help: "Queries per kind.") var queries = 50
    @Option(help: "The database to load and search.") var database = "bench_search"
    @Flag(help: "Search what an earlier run loaded.") var skipLoad = false
    @Flag(help: "Drop the database at the end.") var drop = false
    @OptionGroup var output: BenchResults

    func validate() throws {
        guard messages >= 1, tenants >= 1, customers >= 1, batch >= 1, queries >= 1, writers >= 1 else {
            throw ValidationError("--messages, --tenants, --customers, --batch, --writers and --queries at least 1")
        }
        guard (0..<messages).contains(from) else { throw ValidationError("--from within 0..<--messages") }
    }

    func run() async throws {
        var logger = Logger(label: "switchboard-bench")
        logger.logLevel = .error
        var variables = ProcessInfo.processInfo.environment
        variables["SWITCHBOARD_MONGO_DATABASE"] = database
        let store: SwitchboardDatabase
        do {
            store = try await SwitchboardDatabase.connect(
                configuration: try MongoConfiguration(environment: variables), logger: logger)
        } catch {
            throw BenchFailure.failed("database: \(error)")
        }
        let corpus = SearchCorpus(
            messages: messages, tenants: tenants, customers: customers,
            now: corpusEnd.map(Date.init(timeIntervalSince1970:)) ?? Date())
        printLine(String(format: "corpus ends at %.0f (--corpus-end)", corpus.end.timeIntervalSince1970))
        if !skipLoad {
            let seconds = try await load(corpus, into: store)
            printLine(
                String(
                    format:
                        "loaded %d messages in %.0f s: %.0f messages/s, %.0f documents/s in bulk "
                        + "(a message and its search entry; batches of %d, %d in flight; %@)",
                    messages - from, seconds, Double(messages - from) / seconds,
                    Double(2 * (messages - from)) / seconds, batch, writers, BenchEnvironment.machine))
            try output.record([("search_load_rate", Double(messages - from) / seconds)])
        }
        let stored = try await store.messages.count(tenantId: corpus.tenant(0))
        printLine("searching tenant \(corpus.tenant(0)): \(stored) of its messages stored")
        // With --corpus-end the searches' clock stands at the end of the corpus, as when its month of traffic ends
        // now; otherwise it is the real clock.
        let corpusNow = corpus.end
        let search =
            corpusEnd == nil
            ? MessageSearch(database: store)
            : MessageSearch(
                backend: TermIndexSearch(messages: store.messages, now: { corpusNow }), handovers: store.handovers)
        var table = Table("query", "results", "p50 ms", "p95 ms", "p99 ms", "max ms")
        var figures: [(String, Double)] = []
        for kind in SearchCorpus.QueryKind.allCases {
            var latencies = Latencies()
            var results = 0
            for index in 0..<queries {
                let query = corpus.query(kind, index: index)
                let clock = ContinuousClock()
                let start = clock.now
                let hits = try await search.search(query)
                latencies.add(Stopwatch.nanoseconds(start.duration(to: clock.now)) / 1e6)
                results += hits.count
            }
            table.add(
                kind.rawValue, String(results / queries), latencies.cells[0], latencies.cells[1],
                latencies.cells[2], latencies.cells[3])
            figures.append(("search_\(kind.rawValue)_p95_ms", latencies.percentile(95) ?? 0))
        }
        printLine(table.render())
        try output.record(figures)
        if drop { try? await store.client.dropDatabase() }
    }

    /// Loads `from..<messages` in bulk writes of `batch`, `writers` of them in flight: the database is the
    /// bottleneck, and one writer leaves it idle while the next batch is encoded.
    private func load(_ corpus: SearchCorpus, into store: SwitchboardDatabase) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let ranges = stride(from: from, to: messages, by: batch).map { $0..<min($0 + batch, messages) }
        let batches = newestFirst ? Array(ranges.reversed()) : ranges
        let progress = SharedCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = batches.makeIterator()
            func add(_ range: Range<Int>) {
                group.addTask {
                    _ = try await store.messages.insertManyIgnoringDuplicates(range.map(corpus.message))
                    let done = progress.add(range.count)
                    if done / 100_000 != (done - range.count) / 100_000 {
                        let seconds = Stopwatch.nanoseconds(start.duration(to: clock.now)) / 1e9
                        printLine(String(format: "  %d loaded, %.0f messages/s", done, Double(done) / seconds))
                    }
                }
            }
            for _ in 0..<writers {
                guard let range = next.next() else { break }
                add(range)
            }
            while try await group.next() != nil {
                if let range = next.next() { add(range) }
            }
        }
        return Stopwatch.nanoseconds(start.duration(to: clock.now)) / 1e9
    }
}
