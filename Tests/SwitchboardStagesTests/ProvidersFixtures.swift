import Foundation
import HTTPTypes
import SwitchboardCore
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The shared vendor fixtures (`shared/fixtures/channels` beside the repository), read as is.
enum ProviderFixtures {
    static var root: URL { TestStack.channelFixtures }

    static func bytes(_ path: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes(path))) as? [String: Any])
    }

    static let receivedAt = Date(timeIntervalSince1970: 1_750_000_000)
    static let tenant = "acme"

    /// The documented Meta app secret of `whatsapp/signed_text.signature.json`.
    static let metaAppSecret = "1222e786b144d0e85b9f365372d93676"

    static func secrets(_ credentials: [String: String]) -> TenantSecrets {
        TenantSecrets(
            tenantIds: [tenant],
            environment: Dictionary(
                uniqueKeysWithValues: credentials.map { ("SWITCHBOARD_TENANT_ACME_\($0.key)", $0.value) }))
    }

    static func signatureHeaders(_ value: String) -> HTTPFields {
        var fields = HTTPFields()
        fields[HTTPField.Name("X-Hub-Signature-256")!] = value
        return fields
    }

    /// A retry policy that never really sleeps and records its waits.
    static func instantRetries(maxAttempts: Int = 3, clock: ProvidersTestClock) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts, baseDelay: .milliseconds(100), maxDelay: .seconds(30), random: { 1 },
            sleep: { clock.sleep($0) })
    }
}

extension ProviderConfiguration {
    /// A tenant's provider settings for a test against a fake vendor inside the test process: `variables`, with
    /// a request timeout of two minutes unless they set one. The fake answers from the test process's own
    /// concurrency pool, which a loaded two-core CI run has held for longer than the production default of
    /// 10 s; a timeout there sent the same request twice and failed tests that are not about timeouts. Tests
    /// of timeouts set their own.
    init(testing variables: [String: String]) {
        var variables = variables
        if variables["SWITCHBOARD_PROVIDER_TIMEOUT_MS"] == nil {
            variables["SWITCHBOARD_PROVIDER_TIMEOUT_MS"] = "120000"
        }
        self.init(variables: variables)
    }
}
