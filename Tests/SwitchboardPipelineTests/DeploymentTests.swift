import Foundation
import SwitchboardTestSupport
import Testing
import Yams

/// docker-compose.yml cannot run here (no Docker engine): it is validated instead, and kept in step with
/// the daemons and the configuration table.
@Suite("docker-compose and Dockerfile")
struct DeploymentTests {
    let root = TestStack.repositoryRoot

    func compose() throws -> [String: Any] {
        let text = try String(contentsOf: root.appendingPathComponent("docker-compose.yml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    @Test func dockerComposeAcceptsTheFile() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHBOARD_TENANT_DEMO_API_KEY"] = "compose-check"
        environment["SWITCHBOARD_TENANT_DEMO_AGENT_KEY"] = "compose-check"
        environment["SWITCHBOARD_WEBCHAT_TOKEN_SECRET"] = "compose-check-compose-check-compose-check"
        let (status, output) = try await ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/docker-compose"),
            ["-f", root.appendingPathComponent("docker-compose.yml").path, "config", "-q"], environment: environment)
        #expect(status == 0, "docker-compose config: \(output)")
    }

    @Test func everyDaemonIsAServiceBuiltFromTheImageWithItsDependencies() throws {
        let services = try #require(try compose()["services"] as? [String: Any])
        for name in DaemonProcesses.names {
            let service = try #require(services[name] as? [String: Any], "service \(name)")
            #expect(service["build"] != nil && service["image"] as? String == "switchboard:local", "\(name) image")
            #expect(service["command"] as? [String] == [name], "\(name) command")
            let dependsOn = try #require(service["depends_on"] as? [String: Any], "\(name) depends_on")
            #expect(Set(dependsOn.keys).isSuperset(of: ["kafka", "mongo"]), "\(name) waits for kafka and mongo")
            let healthcheck = service["healthcheck"] as? [String: Any]
            #expect((healthcheck?["test"] as? [String])?.joined(separator: " ").contains("/health/ready") == true)
        }
        for infrastructure in ["kafka", "mongo", "topics", "demo"] {
            #expect(services[infrastructure] != nil, "service \(infrastructure)")
        }
        let kafka = try #require(services["kafka"] as? [String: Any])
        #expect((kafka["image"] as? String)?.hasPrefix("apache/kafka") == true)
        #expect(
            ((kafka["environment"] as? [String: Any])?["KAFKA_PROCESS_ROLES"] as? String)?.contains("controller")
                == true)
        #expect((services["mongo"] as? [String: Any])?["image"] as? String == "mongo:7.0")
    }

    @Test func everySettingInComposeIsInTheREADMEsConfigurationTable() throws {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let services = try #require(try compose()["services"] as? [String: Any])
        var variables: Set<String> = []
        for case let service as [String: Any] in services.values {
            for key in (service["environment"] as? [String: Any])?.keys ?? [:].keys where key.hasPrefix("SWITCHBOARD_")
            {
                variables.insert(key)
            }
        }
        #expect(variables.contains("SWITCHBOARD_KAFKA_BROKERS"))
        for variable in variables {
            let documented =
                readme.contains("`\(variable)`")
                || (variable.hasPrefix("SWITCHBOARD_TENANT_")
                    && readme.contains("SWITCHBOARD_TENANT_<ID>_"))
            #expect(documented, "\(variable) is in README.md's configuration table")
        }
    }

    @Test func theImageCarriesEveryDaemonAndANewEnoughLibrdkafka() throws {
        let dockerfile = try String(contentsOf: root.appendingPathComponent("Dockerfile"), encoding: .utf8)
        for name in DaemonProcesses.names + ["switchboard"] {
            #expect(dockerfile.contains(name), "\(name) in the image")
        }
        #expect(dockerfile.contains("FROM ubuntu:24.04"), "Ubuntu 24.04 ships librdkafka 2.3 (>= 2.2)")
        #expect(dockerfile.contains("librdkafka1"))
    }
}
