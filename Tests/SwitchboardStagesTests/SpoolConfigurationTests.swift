import Foundation
import Testing

@testable import SwitchboardStages

/// The spool's settings from the environment: off unless a directory is named, defaults, and refusals.
@Suite("Spool configuration")
struct SpoolConfigurationTests {
    @Test func theSpoolIsOffUnlessADirectoryIsNamed() throws {
        let configuration = try InboundSpoolConfiguration(variables: [:])
        #expect(configuration.directory == nil)
        #expect(configuration.publishTimeout == .seconds(2))
        #expect(configuration.maxBytes == 256 * 1024 * 1024)
        #expect(configuration.effectiveSegmentBytes == 16 * 1024 * 1024)
    }

    @Test func readsTheVariables() throws {
        let configuration = try InboundSpoolConfiguration(variables: [
            "SWITCHBOARD_SPOOL_DIR": "/var/lib/switchboard/spool",
            "SWITCHBOARD_SPOOL_PUBLISH_TIMEOUT_MS": "750",
            "SWITCHBOARD_SPOOL_MAX_BYTES": "1048576",
        ])
        #expect(configuration.directory?.path == "/var/lib/switchboard/spool")
        #expect(configuration.publishTimeout == .milliseconds(750))
        #expect(configuration.maxBytes == 1_048_576)
        #expect(configuration.effectiveSegmentBytes == 262_144)
    }

    @Test(arguments: [
        ["SWITCHBOARD_SPOOL_PUBLISH_TIMEOUT_MS": "0"],
        ["SWITCHBOARD_SPOOL_PUBLISH_TIMEOUT_MS": "soon"],
        ["SWITCHBOARD_SPOOL_MAX_BYTES": "100"],
        ["SWITCHBOARD_SPOOL_MAX_BYTES": "-1"],
    ])
    func refusesBadValues(_ variables: [String: String]) {
        #expect(throws: (any Error).self) { try InboundSpoolConfiguration(variables: variables) }
    }
}
