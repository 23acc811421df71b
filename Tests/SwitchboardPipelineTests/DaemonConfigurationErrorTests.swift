import Foundation
import SwitchboardTestSupport
import Testing

/// A daemon given a bad setting stops with one line, `<daemon>: configuration error: …` naming the variable,
/// and exit status 2, never echoing the value (it might be a pasted secret).
@Suite("daemons refuse bad settings")
struct DaemonConfigurationErrorTests {
    @Test(arguments: [
        ("channel-webhook", "SWITCHBOARD_HTTP_PORT", "99999"),
        ("channel-webhook", "SWITCHBOARD_WHATSAPP_RATE_PER_SECOND", "1e300"),
        ("channel-webhook", "SWITCHBOARD_PROVIDER_TIMEOUT_MS", "-0"),
        ("channel-webhook", "SWITCHBOARD_WEBCHAT_DEMO_PAGE", "maybe"),
        ("session", "SWITCHBOARD_TOPIC_PARTITIONS", "-1"),
        ("human-handover", "SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS", "inf"),
    ])
    func oneLineAndExitTwo(_ daemon: String, _ variable: String, _ value: String) async throws {
        let daemons = try DaemonProcesses(idleTimeoutSeconds: 600, extra: [variable: value])
        var environment = daemons.environment
        environment["SWITCHBOARD_HTTP_PORT"] =
            environment["SWITCHBOARD_HTTP_PORT"] ?? String(daemons.ports[daemon] ?? 0)
        let (status, output) = try await ChildProcess.run(
            DaemonProcesses.binaries.appendingPathComponent(daemon), [], environment: environment)
        // Standard output carries the JSON log; the refusal is the one other line.
        let lines = output.split(separator: "\n").filter { !$0.hasPrefix("{") }
        #expect(status == 2, "\(output)")
        #expect(lines.count == 1, "\(output)")
        #expect(lines.first?.hasPrefix("\(daemon): configuration error: ") == true, "\(output)")
        #expect(lines.first?.contains(variable) == true, "\(output)")
        #expect(!(lines.first?.contains(value) ?? true), "\(output)")
    }

    @Test("nlp-plugin refuses a damaged model file at start-up, naming the tenant and the file")
    func damagedModelFile() async throws {
        let daemons = try DaemonProcesses(idleTimeoutSeconds: 600)
        let model = daemons.folder.appendingPathComponent("demo.model")
        // The current format version (3), so the checksum is what fails.
        try Data("SWBNLU\r\n".utf8 + [3, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 40)).write(to: model)
        let tenants = daemons.folder.appendingPathComponent("model-tenants.yaml")
        try "tenants:\n  - id: demo\n    nlp:\n      model_file: demo.model\n".write(
            to: tenants, atomically: true, encoding: .utf8)
        var environment = daemons.environment
        environment["SWITCHBOARD_TENANTS_FILE"] = tenants.path
        environment["SWITCHBOARD_HTTP_PORT"] = String(daemons.ports["nlp-plugin"] ?? 0)
        let (status, output) = try await ChildProcess.run(
            DaemonProcesses.binaries.appendingPathComponent("nlp-plugin"), [], environment: environment)
        let lines = output.split(separator: "\n").filter { !$0.hasPrefix("{") }
        #expect(status == 2, "\(output)")
        #expect(
            lines == [
                "nlp-plugin: configuration error: tenant 'demo': model file \(model.path): model file checksum mismatch: "
                    + "the file is damaged or was edited; train it again with `switchboard nlu train` of this version"
            ], "\(output)")
    }
}
