import ArgumentParser

/// The operators' command-line tool.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Operate a Switchboard installation: check the stack, run the demo round trip.",
        subcommands: [DemoCommand.self, CheckCommand.self, LibraryCheckCommand.self]
    )
}
