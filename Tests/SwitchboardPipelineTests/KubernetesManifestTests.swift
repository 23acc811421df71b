import Foundation
import SwitchboardTestSupport
import Testing
import Yams

/// The Kubernetes manifests in deploy/kubernetes describe every daemon the way the daemons expect to run.
@Suite struct KubernetesManifestTests {
    static let daemons = [
        "channel-webhook", "customer-identification", "session", "message-router", "nlp-plugin", "human-handover",
    ]

    /// Every document of every manifest file.
    func documents() throws -> [[String: Any]] {
        let folder = TestStack.repositoryRoot.appendingPathComponent("deploy/kubernetes")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        var documents: [[String: Any]] = []
        for file in files.sorted() {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for document in try Yams.load_all(yaml: text) {
                let object = try #require(document as? [String: Any], "\(file) has a document that is not a mapping")
                documents.append(object)
            }
        }
        return documents
    }

    func kind(_ kind: String, in documents: [[String: Any]]) -> [String: [String: Any]] {
        var found: [String: [String: Any]] = [:]
        for document in documents where document["kind"] as? String == kind {
            let name = (document["metadata"] as? [String: Any])?["name"] as? String ?? ""
            found[name] = document
        }
        return found
    }

    /// The environment variable names the README's configuration table documents.
    func documentedVariables() throws -> Set<String> {
        let readme = try String(
            contentsOf: TestStack.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var names: Set<String> = []
        for line in readme.split(separator: "\n") where line.hasPrefix("| `SWITCHBOARD_") {
            let name = line.dropFirst(3).prefix { $0 != "`" }
            names.insert(String(name))
        }
        return names
    }

    @Test func everyDaemonHasADeploymentWithBothProbes() throws {
        let deployments = kind("Deployment", in: try documents())
        for daemon in Self.daemons {
            let deployment = try #require(deployments[daemon], "no Deployment for \(daemon)")
            let spec = try #require((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])
            let podSpec = try #require(spec["spec"] as? [String: Any])
            let container = try #require((podSpec["containers"] as? [[String: Any]])?.first)
            #expect(container["image"] as? String == "switchboard:local")
            #expect(container["command"] as? [String] == [daemon])
            let live = (container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any]
            let ready = (container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any]
            #expect(live?["path"] as? String == "/health/live", "\(daemon) liveness probe")
            #expect(ready?["path"] as? String == "/health/ready", "\(daemon) readiness probe")
            #expect(container["resources"] != nil, "\(daemon) has no resources")
            let grace = podSpec["terminationGracePeriodSeconds"] as? Int ?? 30
            #expect(grace >= 20, "\(daemon) grace period is below the shutdown timeout")
        }
    }

    @Test func everyEnvironmentNameIsDocumented() throws {
        let documents = try documents()
        let documented = try documentedVariables()
        #expect(documented.contains("SWITCHBOARD_KAFKA_BROKERS"))
        var names: [String] = []
        // Environment from the ConfigMaps and Secrets loaded with envFrom, and literal env entries.
        let referenced = Set(
            kind("Deployment", in: documents).values.flatMap { deployment -> [String] in
                let podSpec = ((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"]
                let containers = (podSpec as? [String: Any])?["containers"] as? [[String: Any]] ?? []
                return containers.flatMap { container -> [String] in
                    names += (container["env"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                    return (container["envFrom"] as? [[String: Any]] ?? []).compactMap { source in
                        ((source["configMapRef"] ?? source["secretRef"]) as? [String: Any])?["name"] as? String
                    }
                }
            })
        #expect(!referenced.isEmpty)
        for source in referenced {
            let document = try #require(
                documents.first {
                    ["ConfigMap", "Secret"].contains($0["kind"] as? String)
                        && ($0["metadata"] as? [String: Any])?["name"] as? String == source
                }, "envFrom names \(source), which no manifest defines")
            let data = (document["data"] ?? document["stringData"]) as? [String: Any] ?? [:]
            names += data.keys
        }
        #expect(names.contains("SWITCHBOARD_KAFKA_BROKERS"))
        for name in names {
            let tenantSecret =
                name.hasPrefix("SWITCHBOARD_TENANT_") && (name.hasSuffix("_API_KEY") || name.hasSuffix("_AGENT_KEY"))
            #expect(documented.contains(name) || tenantSecret, "\(name) is not in README.md's configuration table")
        }
    }

    @Test func autoscalersTargetExistingDeployments() throws {
        let documents = try documents()
        let deployments = kind("Deployment", in: documents)
        let autoscalers = kind("HorizontalPodAutoscaler", in: documents)
        for daemon in Self.daemons { #expect(autoscalers[daemon] != nil, "no autoscaler for \(daemon)") }
        for (name, autoscaler) in autoscalers {
            let target = (autoscaler["spec"] as? [String: Any])?["scaleTargetRef"] as? [String: Any]
            #expect(target?["kind"] as? String == "Deployment")
            #expect(deployments[target?["name"] as? String ?? ""] != nil, "autoscaler \(name) targets nothing")
        }
        let services = kind("Service", in: documents)
        #expect(services["channel-webhook"] != nil)
        #expect(services["human-handover"] != nil)
    }
}
