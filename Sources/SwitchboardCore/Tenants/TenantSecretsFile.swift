import Yams

/// The tenant secrets file (`SWITCHBOARD_TENANT_SECRETS_FILE`): the same per-tenant values as the
/// `SWITCHBOARD_TENANT_<ID>_<NAME>` environment variables, kept in one file that a Kubernetes Secret or a
/// Docker secret mounts read-only.
///
/// ```yaml
/// demo:                       # a tenant id from the tenants file
///   api_key: 6f1c…            # the same names as the variables, in any case: API_KEY, WHATSAPP_APP_SECRET…
///   whatsapp_app_secret: 9a2e…
///   whatsapp_phone_number_id: 106540352242922
/// ```
///
/// Errors name the tenant and the entry, never a value.
public enum TenantSecretsFile {
    /// Parses the file into tenant id → variable name (`WHATSAPP_APP_SECRET`) → value.
    ///
    /// Every tenant must be one of `knownTenants` when given (a misspelt id would otherwise leave a tenant
    /// without its secrets unnoticed); every value must be a scalar; empty values are left out, as empty
    /// variables are.
    public static func parse(
        _ text: String, knownTenants: Set<String>?
    ) throws(TenantConfigurationError) -> [String: [String: String]] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw TenantConfigurationError("tenant secrets file is not valid YAML\(Self.location(of: error))")
        } catch {
            throw TenantConfigurationError("tenant secrets file is not valid YAML")
        }
        guard let root else { return [:] }
        guard let tenants = root.mapping else {
            throw TenantConfigurationError("tenant secrets file must map tenant ids to their secrets")
        }
        var secrets: [String: [String: String]] = [:]
        for (key, value) in tenants {
            guard let tenant = key.scalar?.string else {
                throw TenantConfigurationError("tenant secrets file: a tenant id must be a plain string")
            }
            guard knownTenants?.contains(tenant) ?? true else {
                throw TenantConfigurationError(
                    "tenant secrets file names tenant '\(tenant)', which the tenants file does not have")
            }
            guard secrets[tenant] == nil else {
                throw TenantConfigurationError("tenant secrets file names tenant '\(tenant)' twice")
            }
            guard let entries = value.mapping else {
                throw TenantConfigurationError("tenant secrets file: '\(tenant)' must map names to values")
            }
            var values: [String: String] = [:]
            for (nameNode, valueNode) in entries {
                guard let rawName = nameNode.scalar?.string, let name = variableName(rawName) else {
                    throw TenantConfigurationError(
                        "tenant secrets file: '\(tenant)' has an entry whose name is not letters, digits and _")
                }
                guard let scalar = valueNode.scalar else {
                    throw TenantConfigurationError("tenant secrets file: '\(tenant).\(rawName)' must be a plain value")
                }
                guard values[name] == nil else {
                    throw TenantConfigurationError("tenant secrets file: '\(tenant).\(rawName)' is given twice")
                }
                if !scalar.string.isEmpty { values[name] = scalar.string }
            }
            secrets[tenant] = values
        }
        return secrets
    }

    /// `whatsapp_app_secret` → `WHATSAPP_APP_SECRET`; nil for anything but ASCII letters, digits and `_`.
    static func variableName(_ raw: String) -> String? {
        guard !raw.isEmpty,
            raw.unicodeScalars.allSatisfy({
                $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
            })
        else { return nil }
        return raw.uppercased()
    }

    /// " (line 3, column 7)" for a syntax error: the position only, as the text around it may be a secret.
    private static func location(of error: YamlError) -> String {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            " (line \(mark.line), column \(mark.column))"
        case .duplicatedKeysInMapping(let duplicates, _):
            " (given twice: \(duplicates.sorted().joined(separator: ", ")))"
        default: ""
        }
    }
}
