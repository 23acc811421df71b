import ArgumentParser

struct RoundTripCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "round-trip", abstract: "placeholder")
    func run() async throws {}
}
