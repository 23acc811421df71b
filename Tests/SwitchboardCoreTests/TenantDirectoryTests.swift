import Foundation
import SwitchboardCore
import Testing

@Suite("Tenant configuration")
struct TenantDirectoryTests {
    @Test("a YAML tenants file with defaults and business hours")
    func yaml() throws {
        let directory = try TenantDirectory(
            parsing: """
                tenants:
                  - id: demo
                    name: Demo Shop
                    idle_timeout_seconds: 600
                    rules:
                      handover_phrases: ["agent", "Mitarbeiter"]
                      offline_reply: "Closed."
                      business_hours:
                        time_zone: Europe/Berlin
                        friday: ["22:00-06:00"]
                    nlp:
                      confidence_threshold: 0.6
                      training_file: demo-nlu.yml
                  - id: minimal
                """)
        let demo = try #require(directory.tenant(id: "demo"))
        #expect(demo.name == "Demo Shop")
        #expect(demo.sessionPolicy.idleTimeout == 600)
        #expect(demo.rules.handoverPhrases == ["agent", "Mitarbeiter"])
        #expect(demo.rules.businessHours?.windows[.friday]?.first?.description == "22:00-06:00")
        #expect(demo.nlp.botPolicy == BotPolicy(confidenceThreshold: 0.6, handoverIntent: "human_handoff"))
        #expect(demo.nlp.trainingFile == "demo-nlu.yml")
        let minimal = try #require(directory.tenant(id: "minimal"))
        #expect(minimal.idleTimeoutSeconds == 1200 && minimal.name == "minimal" && minimal.rules == TenantRules())
        #expect(directory.tenant(id: "nope") == nil)
    }

    @Test("a tenant names a model file to load instead of training data")
    func modelFile() throws {
        let directory = try TenantDirectory(
            parsing: "tenants:\n  - id: acme\n    nlp:\n      model_file: nlp/acme.model")
        #expect(directory.tenant(id: "acme")?.nlp.modelFile == "nlp/acme.model")
        #expect(directory.tenant(id: "acme")?.nlp.trainingFile == nil)
    }

    @Test("JSON works too")
    func json() throws {
        let directory = try TenantDirectory(parsing: #"{"tenants":[{"id":"acme","nlp":{"handover_intent":"agent"}}]}"#)
        #expect(directory.tenant(id: "acme")?.nlp.handoverIntent == "agent")
    }

    @Test(
        "invalid files give clear errors",
        arguments: [
            ("tenants:\n  - id: a\n  - id: a", "appears more than once"),
            ("tenants:\n  - name: x", "missing 'tenants[0].id'"),
            ("tenants:\n  - id: a\n    idle_timeout_seconds: -1", "must be positive"),
            ("tenants:\n  - id: a\n    idle_timeout_seconds: .nan", "must be positive"),
            ("tenants:\n  - id: a\n    idle_timeout_seconds: .inf", "at most 31536000 (365 days)"),
            ("tenants:\n  - id: a\n    idle_timeout_seconds: 1e300", "at most 31536000 (365 days)"),
            ("tenants:\n  - id: a\n    nlp:\n      confidence_threshold: 2", "between 0 and 1"),
            (
                "tenants:\n  - id: a\n    rules:\n      business_hours:\n        time_zone: Nowhere/City",
                "unknown time zone"
            ),
            (
                "tenants:\n  - id: a\n    rules:\n      business_hours:\n        time_zone: UTC\n        monday: [\"9-5\"]",
                "opening window"
            ),
            ("tenants: [", "not valid"),
            ("tenants:\n  - id: 'bad id'", "must be non-empty ASCII"),
            (
                "tenants:\n  - id: a\n    nlp:\n      training_file: a.yml\n      model_file: a.model",
                "give nlp.training_file or nlp.model_file, not both"
            ),
            ("tenants:\n  - id: a\n    nlp:\n      model_file: ''", "must not be empty"),
        ])
    func invalid(text: String, fragment: String) {
        do {
            _ = try TenantDirectory(parsing: text)
            Issue.record("expected an error containing \(fragment)")
        } catch {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }
}
