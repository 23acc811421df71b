import Foundation

/// A message template the tenant had approved for WhatsApp, sent in place of a free-form reply outside the
/// customer-service window (``ServiceWindow``).
///
/// ```yaml
/// whatsapp:
///   templates:
///     reengage:
///       name: conversation_update          # the Cloud API template name
///       language: en_US                    # its language code
///       parameters: ["{reply}"]            # the body's {{1}}, {{2}}, ...
///       twilio_content_sid: HXb5b62575e6e4ff6129ad7c8efe1f983e   # the same template at Twilio
/// ```
///
/// `{reply}` in a parameter stands for the text of the reply the template replaces (on one line: WhatsApp
/// refuses parameters with line breaks or tabs), so an approved "We have an answer for you: {{1}}" carries it.
public struct WhatsAppTemplate: Sendable, Hashable, Codable {
    /// The template's name at Meta (lowercase letters, digits and `_`); nil when only Twilio is used.
    public var name: String?
    /// The template's language code at Meta (e.g. `en_US`); required with ``name``.
    public var language: String?
    /// The body parameters in order (`{{1}}`, `{{2}}`, ...); `{reply}` is replaced by the reply's text.
    public var parameters: [String]
    /// The Content SID (`HX` and 32 hex digits) of the same template at Twilio; nil when only Meta is used.
    public var twilioContentSid: String?

    /// The placeholder for the reply's text in ``parameters``.
    public static let replyPlaceholder = "{reply}"
    /// The longest body parameter sent: WhatsApp allows 1024 characters in a template body.
    public static let longestParameter = 1000

    /// Creates a template.
    public init(name: String?, language: String?, parameters: [String] = [], twilioContentSid: String? = nil) {
        self.name = name
        self.language = language
        self.parameters = parameters
        self.twilioContentSid = twilioContentSid
    }

    enum CodingKeys: String, CodingKey {
        case name, language, parameters
        case twilioContentSid = "twilio_content_sid"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        language = try container.decodeIfPresent(String.self, forKey: .language)
        parameters = try container.decodeIfPresent([String].self, forKey: .parameters) ?? []
        twilioContentSid = try container.decodeIfPresent(String.self, forKey: .twilioContentSid)
    }

    /// The parameters for a reply with text `reply`: `{reply}` replaced by it on one line (line breaks and
    /// tabs become spaces, runs of spaces one space), each parameter cut to ``longestParameter`` characters.
    public func parameterValues(reply: String) -> [String] {
        let line = reply.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return parameters.map { parameter in
            let value = parameter.replacingOccurrences(of: Self.replyPlaceholder, with: line)
            guard value.count > Self.longestParameter else { return value }
            return String(value.prefix(Self.longestParameter - 1)) + "…"
        }
    }

    func validate(tenant: String, key: String) throws(TenantConfigurationError) {
        let field = "tenant '\(tenant)': whatsapp.templates.\(key)"
        guard name != nil || twilioContentSid != nil else {
            throw TenantConfigurationError("\(field) needs a name (Meta) or a twilio_content_sid (Twilio)")
        }
        if let name {
            guard !name.isEmpty, name.count <= 512,
                name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
            else {
                throw TenantConfigurationError("\(field).name must be lowercase letters, digits and '_'")
            }
            guard let language, (2...15).contains(language.count),
                language.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") })
            else {
                throw TenantConfigurationError("\(field).language must be a language code such as en or en_US")
            }
        }
        if let sid = twilioContentSid {
            guard sid.count == 34, sid.hasPrefix("HX"), sid.dropFirst(2).allSatisfy(\.isHexDigit) else {
                throw TenantConfigurationError("\(field).twilio_content_sid must be HX and 32 hex digits")
            }
        }
        guard parameters.count <= 100 else {
            throw TenantConfigurationError("\(field).parameters takes at most 100 values")
        }
        for parameter in parameters {
            guard !parameter.isEmpty, parameter.count <= Self.longestParameter,
                !parameter.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" })
            else {
                throw TenantConfigurationError(
                    "\(field).parameters must be 1 to 1000 characters each, without line breaks or tabs")
            }
        }
    }
}
