// swift-tools-version:6.0
import PackageDescription

// The soundness step (deploy/local/soundness.sh) builds the project's own targets with warnings as errors.
let warningsAsErrors: [SwiftSetting] =
    Context.environment["SWITCHBOARD_WARNINGS_AS_ERRORS"] == nil ? [] : [.unsafeFlags(["-warnings-as-errors"])]

let strict: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ] + warningsAsErrors

// The libFuzzer executables (deploy/local/fuzz.sh, `make fuzz`) link libFuzzer's driver, so they exist only
// with SWITCHBOARD_FUZZ=1 and `-Xswiftc -sanitize=fuzzer`; their harness, SwitchboardFuzz, builds always.
let fuzzTargets = ["whatsapp", "messenger", "telegram", "twilio-form", "web-chat", "rasa-rest", "envelope"]
let fuzzExecutables: [Target] =
    Context.environment["SWITCHBOARD_FUZZ"] == nil
    ? []
    : fuzzTargets.map { name in
        .executableTarget(
            name: "fuzz-\(name)", dependencies: ["SwitchboardFuzz"], path: "Sources/Fuzz/fuzz-\(name)",
            swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])])
    }

let package = Package(
    name: "switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        .executable(name: "customer-identification", targets: ["CustomerIdentificationDaemon"]),
        .executable(name: "session", targets: ["SessionDaemon"]),
        .executable(name: "message-router", targets: ["MessageRouterDaemon"]),
        .executable(name: "nlp-plugin", targets: ["NLPPluginDaemon"]),
        .executable(name: "channel-webhook", targets: ["ChannelWebhookDaemon"]),
        .executable(name: "human-handover", targets: ["HumanHandoverDaemon"]),
        .library(name: "SwitchboardKafka", targets: ["SwitchboardKafka"]),
        .library(name: "SwitchboardMongo", targets: ["SwitchboardMongo"]),
        .library(name: "SwitchboardCore", targets: ["SwitchboardCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    ],
    targets: [
        // C shims: the only places the C libraries are named.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .systemLibrary(
            name: "CMongoc",
            pkgConfig: "libmongoc-1.0",
            providers: [.apt(["libmongoc-dev", "libbson-dev"])]
        ),

        // Adapters: the only targets that import the C shims.
        .target(
            name: "SwitchboardKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SwitchboardMongo",
            dependencies: [
                "CMongoc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        // Domain: envelope, identity, sessions, routing, NLP, handover. No Kafka, no Mongo.
        .target(
            name: "SwitchboardCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("NLP/Resources/minilm-static.swbemb")],
            swiftSettings: strict
        ),

        // Operations every daemon shares: JSON logs, Prometheus metrics, health and metrics endpoints.
        .target(
            name: "SwitchboardObservability",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // What every pipeline stage shares: the consume-process-produce-commit loop, topics, settings.
        .target(
            name: "SwitchboardRuntime",
            dependencies: [
                "SwitchboardKafka",
                "SwitchboardCore",
                "SwitchboardObservability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // The six stages: their handlers, MongoDB stores and HTTP APIs, built by factories the daemons call.
        .target(
            name: "SwitchboardStages",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardKafka",
                "SwitchboardMongo",
                "SwitchboardRuntime",
                "SwitchboardObservability",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // One thin executable per daemon: configuration in, services built by a factory, run until SIGTERM.
        .executableTarget(
            name: "CustomerIdentificationDaemon", dependencies: ["SwitchboardStages"], swiftSettings: strict),
        .executableTarget(name: "SessionDaemon", dependencies: ["SwitchboardStages"], swiftSettings: strict),
        .executableTarget(name: "MessageRouterDaemon", dependencies: ["SwitchboardStages"], swiftSettings: strict),
        .executableTarget(name: "NLPPluginDaemon", dependencies: ["SwitchboardStages"], swiftSettings: strict),

        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SwitchboardKafka",
                "SwitchboardMongo",
                "SwitchboardCore",
                "SwitchboardRuntime",
                "SwitchboardStages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Benchmarks (deploy/local/bench.sh): `switchboard-bench micro` (in-process), `broker` and `database`
        // (the local limits), `pipeline`, `open-loop` and `webhook` (against the running daemons), `summary`.
        // Its HTTP load runs on swift-nio directly: no extra HTTP client package to build.
        .executableTarget(
            name: "switchboard-bench",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardRuntime",
                "SwitchboardKafka",
                "SwitchboardMongo",
                "SwitchboardStages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "HumanHandoverDaemon",
            dependencies: [
                "SwitchboardStages",
                "SwitchboardObservability",
                "SwitchboardRuntime",
                "SwitchboardCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "ChannelWebhookDaemon",
            dependencies: [
                "SwitchboardStages",
                "SwitchboardObservability",
                "SwitchboardRuntime",
                "SwitchboardCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),

        .target(
            name: "SwitchboardTestSupport",
            dependencies: [
                "SwitchboardKafka",
                "SwitchboardCore",
                "SwitchboardRuntime",
                "SwitchboardMongo",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/SwitchboardTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwitchboardKafkaTests",
            dependencies: ["SwitchboardKafka", "SwitchboardTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwitchboardMongoTests",
            dependencies: ["SwitchboardMongo", "SwitchboardTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwitchboardObservabilityTests",
            dependencies: [
                "SwitchboardObservability",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwitchboardRuntimeTests",
            dependencies: ["SwitchboardRuntime", "SwitchboardTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwitchboardStagesTests",
            dependencies: [
                "SwitchboardStages",
                "SwitchboardTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwitchboardPipelineTests",
            dependencies: [
                "SwitchboardStages", "SwitchboardTestSupport", .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwitchboardCLITests",
            dependencies: ["SwitchboardStages", "SwitchboardTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SwitchboardCoreTests",
            dependencies: ["SwitchboardCore"],
            swiftSettings: strict
        ),

        // Fuzzing: the harness that feeds each webhook parser and the envelope decoder, and (with
        // SWITCHBOARD_FUZZ=1) one libFuzzer executable per parser.
        .target(
            name: "SwitchboardFuzz",
            dependencies: ["SwitchboardCore", "SwitchboardStages"],
            path: "Sources/Fuzz/SwitchboardFuzz",
            swiftSettings: strict
        ),
    ] + fuzzExecutables,
    swiftLanguageModes: [.v6]
)
