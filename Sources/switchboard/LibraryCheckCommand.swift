import ArgumentParser
import SwitchboardKafka

/// `switchboard check-librdkafka`: what every daemon does first, on its own.
struct LibraryCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-librdkafka",
        abstract: "Check that the librdkafka loaded at run time is 2.2.0 or newer."
    )

    func run() throws {
        do {
            try KafkaLibrary.requireSupportedVersion()
            print("librdkafka \(KafkaLibrary.loadedVersion): supported")
        } catch let error as KafkaError {
            printError(error.reason)
            throw ExitCode(3)
        }
    }
}
