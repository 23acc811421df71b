import Foundation
import Logging
import SwitchboardCore
import SwitchboardStages
import Synchronization
import Testing

/// Files in memory: a test changes a file's contents and stamp, then runs one check.
final class InMemoryModelFiles: Sendable {
    private let files = Mutex<[URL: (contents: Data, stamp: NLPModelFiles.FileStamp)]>([:])
    private let version = Atomic<Int>(0)

    /// Writes `contents` with a new stamp (as a write to disk would).
    func write(_ contents: Data, to url: URL) {
        let next = version.add(1, ordering: .relaxed).newValue
        files.withLock {
            $0[url] = (contents, .init(modified: Date(timeIntervalSince1970: Double(next)), size: contents.count))
        }
    }

    func write(_ text: String, to url: URL) { write(Data(text.utf8), to: url) }

    func remove(_ url: URL) { _ = files.withLock { $0.removeValue(forKey: url) } }

    var reader: NLPModelFiles {
        NLPModelFiles(
            stamp: { url in self.files.withLock { $0[url]?.stamp } },
            read: { url in
                guard let file = self.files.withLock({ $0[url] }) else { throw CocoaError(.fileNoSuchFile) }
                return file.contents
            })
    }
}

@Suite("nlp-plugin model loading and reloading")
struct NLPModelReloaderTests {
    static let quiet = Logger(label: "test.nlp", factory: { _ in SwiftLogNoOpLogHandler() })
    let directory = URL(fileURLWithPath: "/tenants")
    var trainingURL: URL { directory.appendingPathComponent("nlp/shop.yml") }
    var modelURL: URL { directory.appendingPathComponent("nlp/shop.model") }

    static let weather = """
        nlu:
          - intent: weather
            examples: |
              - what is the weather like
              - will it rain tomorrow
              - is it sunny today
              - weather forecast please
          - intent: greet
            examples: |
              - hello
              - hi there
              - good morning
              - hey
        """

    static let refunds = """
        nlu:
          - intent: refund
            examples: |
              - I want my money back
              - please refund my purchase
              - how do I get a refund
              - return this for a refund
          - intent: greet
            examples: |
              - hello
              - hi there
              - good morning
              - hey
        """

    func source(_ kind: NLPModelSource.Kind) -> NLPModelSource {
        NLPModelSource(tenantId: "shop", kind: kind, url: kind == .modelFile ? modelURL : trainingURL)
    }

    @Test("a tenant's model_file wins, relative paths are resolved from the tenants file, no file is the demo")
    func sources() {
        let named = TenantConfiguration(id: "a", nlp: .init(modelFile: "nlp/a.model"))
        #expect(
            NLPModelSource(tenant: named, directory: directory)
                == NLPModelSource(tenantId: "a", kind: .modelFile, url: URL(fileURLWithPath: "/tenants/nlp/a.model")))
        let absolute = TenantConfiguration(id: "b", nlp: .init(trainingFile: "/srv/b.yml"))
        #expect(
            NLPModelSource(tenant: absolute, directory: directory)
                == NLPModelSource(tenantId: "b", kind: .trainingFile, url: URL(fileURLWithPath: "/srv/b.yml")))
        #expect(NLPModelSource(tenant: TenantConfiguration(id: "c"), directory: directory).kind == .demo)
    }

    @Test("at start a model file is loaded instead of training, and classifies like the model it was saved from")
    func loadsModelFile() throws {
        let files = InMemoryModelFiles()
        let trained = try NLUModel(yaml: Self.weather)
        files.write(trained.serialized(), to: modelURL)
        let reloader = NLPModelReloader(sources: [source(.modelFile)], files: files.reader, logger: Self.quiet)
        try reloader.loadAll()
        let loaded = try reloader.engine.classify(text: "will it rain today", tenantId: "shop")
        #expect(loaded == trained.classify("will it rain today"))
        #expect(loaded.intent == "weather")
    }

    @Test(
        "a damaged model file, one of another format version, or a missing file stops the start with a clear error",
        arguments: [
            ("damaged", "tenant 'shop': model file /tenants/nlp/shop.model: model file checksum mismatch"),
            (
                "version",
                "model file format version 99 is not supported (this build reads \(NLUModel.fileFormatVersion))"
            ),
            ("missing", "tenant 'shop': cannot read model file /tenants/nlp/shop.model"),
        ])
    func startUpErrors(fault: String, message: String) throws {
        let files = InMemoryModelFiles()
        var bytes = try NLUModel(yaml: Self.weather).serialized()
        switch fault {
        case "damaged": bytes[bytes.count - 1] ^= 0xFF
        case "version": bytes[8] = 99
        default: break
        }
        if fault != "missing" { files.write(bytes, to: modelURL) }
        let reloader = NLPModelReloader(sources: [source(.modelFile)], files: files.reader, logger: Self.quiet)
        do {
            try reloader.loadAll()
            Issue.record("expected a start-up error")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test("a changed training file is trained and swapped in; an unchanged one is left alone")
    func reloadsChangedTrainingFile() throws {
        let files = InMemoryModelFiles()
        files.write(Self.weather, to: trainingURL)
        let reloader = NLPModelReloader(sources: [source(.trainingFile)], files: files.reader, logger: Self.quiet)
        try reloader.loadAll()
        #expect(reloader.check() == [])
        #expect(reloader.engine.model(forTenant: "shop")?.intents == ["weather", "greet"])

        files.write(Self.refunds, to: trainingURL)
        let outcomes = reloader.check()
        let digest = try #require(
            outcomes.first.flatMap {
                if case .reloaded(let tenant, let digest) = $0, tenant == "shop" { digest } else { nil }
            })
        #expect(digest.count == 64)
        #expect(try reloader.engine.classify(text: "I want a refund", tenantId: "shop").intent == "refund")
        #expect(reloader.check() == [])

        // Written again with the same contents (a new stamp): nothing to train.
        files.write(Self.refunds, to: trainingURL)
        #expect(reloader.check() == [])
    }

    @Test("a broken file keeps the previous model until the file changes again")
    func keepsOldModelOnFailure() throws {
        let files = InMemoryModelFiles()
        files.write(Self.weather, to: trainingURL)
        let reloader = NLPModelReloader(sources: [source(.trainingFile)], files: files.reader, logger: Self.quiet)
        try reloader.loadAll()
        let before = try reloader.engine.classify(text: "is it sunny", tenantId: "shop")

        files.write("nlu: [", to: trainingURL)
        let outcome = try #require(reloader.check().first)
        guard case .kept(let tenant, let reason) = outcome else {
            Issue.record("expected the old model to stay, got \(outcome)")
            return
        }
        #expect(tenant == "shop")
        #expect(reason.contains("training file /tenants/nlp/shop.yml"), "\(reason)")
        #expect(try reloader.engine.classify(text: "is it sunny", tenantId: "shop") == before)
        // Not tried again every check while the file stays broken.
        #expect(reloader.check() == [])

        files.remove(trainingURL)
        #expect(reloader.check() == [.kept(tenantId: "shop", reason: "the file is gone")])
        #expect(reloader.check() == [])
        #expect(try reloader.engine.classify(text: "is it sunny", tenantId: "shop") == before)

        files.write(Self.refunds, to: trainingURL)
        #expect(reloader.check().count == 1)
        #expect(try reloader.engine.classify(text: "please refund me", tenantId: "shop").intent == "refund")
    }

    @Test("a replaced model file is loaded; a damaged replacement is refused and the old model stays")
    func reloadsModelFile() throws {
        let files = InMemoryModelFiles()
        files.write(try NLUModel(yaml: Self.weather).serialized(), to: modelURL)
        let reloader = NLPModelReloader(sources: [source(.modelFile)], files: files.reader, logger: Self.quiet)
        try reloader.loadAll()

        var damaged = try NLUModel(yaml: Self.refunds).serialized()
        damaged[damaged.count - 1] ^= 0xFF
        files.write(damaged, to: modelURL)
        let refused = reloader.check()
        #expect(refused.count == 1)
        if case .kept(_, let reason) = refused.first {
            #expect(reason.contains("checksum mismatch"), "\(reason)")
        } else {
            Issue.record("expected the damaged file to be refused, got \(refused)")
        }
        #expect(reloader.engine.model(forTenant: "shop")?.intents == ["weather", "greet"])

        files.write(try NLUModel(yaml: Self.refunds).serialized(), to: modelURL)
        #expect(reloader.check().count == 1)
        #expect(reloader.engine.model(forTenant: "shop")?.intents == ["refund", "greet"])
    }

    @Test("the demo tenant needs no file and is never reloaded")
    func demo() throws {
        let reloader = NLPModelReloader(
            sources: [NLPModelSource(tenantId: "demo", kind: .demo, url: nil)], files: InMemoryModelFiles().reader,
            logger: Self.quiet)
        try reloader.loadAll()
        #expect(try reloader.engine.classify(text: "hello", tenantId: "demo").intent == "greet")
        #expect(reloader.check() == [])
    }
}
