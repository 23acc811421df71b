public import Foundation

/// The body of an intent action call: what the business's system needs to answer.
public struct ActionCall: Sendable, Hashable, Codable {
    /// The action's name (the intent, or the form's action).
    public var action: String
    /// The intent recognised, if any.
    public var intent: String?
    /// Entities by name (the first of each name).
    public var entities: [String: String]
    /// A form's filled slots, when a form runs the action.
    public var slots: [String: String]?
    public var tenantId: String
    public var customerId: String?
    public var sessionId: String?
    /// The inbound message; the same on a redelivery, so the business can deduplicate by it.
    public var messageId: String
    /// The customer's text.
    public var text: String?

    public init(
        action: String, intent: String?, entities: [Entity], slots: [String: String]? = nil, tenantId: String,
        customerId: String?, sessionId: String?, messageId: UUID, text: String?
    ) {
        self.action = action
        self.intent = intent
        var byName: [String: String] = [:]
        for entity in entities where byName[entity.name] == nil { byName[entity.name] = entity.value }
        self.entities = byName
        self.slots = slots
        self.tenantId = tenantId
        self.customerId = customerId
        self.sessionId = sessionId
        self.messageId = messageId.uuidString.lowercased()
        self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case action, intent, entities, slots, text
        case tenantId = "tenant_id"
        case customerId = "customer_id"
        case sessionId = "session_id"
        case messageId = "message_id"
    }

    /// The JSON body, keys sorted (the same call gives the same bytes).
    public func body() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
    }
}

/// What an action's JSON answer asks for: `{"data": {…}, "reply": "…", "handover": false}`, optionally with
/// `"buttons": [{"title": "…", "payload": "…"}]` and `"image": "https://…"` to send with the reply, as a
/// Rasa response has them (see ``BotResponse``).
public struct ActionAnswer: Sendable, Hashable {
    /// Values for the reply template's placeholders (`data`, or the answer's own top-level values).
    public var data: [String: String]
    /// A reply the business wrote itself.
    public var reply: String?
    /// The business asks for a person.
    public var handover: Bool
    /// Buttons under the reply; empty for none, and when the answer's buttons could not be sent.
    public var buttons: [BotResponse.Button]
    /// An image's URL to send with the reply, or nil.
    public var image: String?
    /// Why `buttons` or `image` of the answer were left out (the reply goes out without them), for a log line;
    /// never quotes the answer.
    public var ignored: [String]

    public init(
        data: [String: String] = [:], reply: String? = nil, handover: Bool = false,
        buttons: [BotResponse.Button] = [], image: String? = nil, ignored: [String] = []
    ) {
        self.data = data
        self.reply = reply
        self.handover = handover
        self.buttons = buttons
        self.image = image
        self.ignored = ignored
    }

    /// Reads an answer; throws ``BotEngineError/Code/badAnswer`` for one that is not a JSON object. Buttons or
    /// an image that cannot be sent are left out, with the reason in ``ignored``.
    public static func parse(_ body: [UInt8]) throws(BotEngineError) -> ActionAnswer {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
            throw BotEngineError(.badAnswer, "the action's answer is not a JSON object")
        }
        var source = object
        if case .object(let inner)? = object["data"] { source = inner }
        var data: [String: String] = [:]
        for (key, value) in source {
            if let text = value.scalarText { data[key] = text }
        }
        var reply: String?
        if case .string(let text)? = object["reply"], !text.isEmpty { reply = text }
        var handover = false
        if case .bool(let flag)? = object["handover"] { handover = flag }
        var answer = ActionAnswer(data: data, reply: reply, handover: handover)
        answer.readRich(object)
        return answer
    }

    /// Takes `buttons` and `image` from the answer when they are well formed; otherwise notes why not.
    private mutating func readRich(_ object: [String: JSONValue]) {
        var buttons: [BotResponse.Button] = []
        switch object["buttons"] {
        case nil, .null?:
            break
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                guard case .object(let fields) = item, let title = fields["title"]?.scalarText,
                    let payload = fields["payload"]?.scalarText
                else {
                    ignored.append("buttons: item \(index + 1) is not an object with a title and a payload")
                    buttons = []
                    break
                }
                buttons.append(BotResponse.Button(title: title, payload: payload))
            }
        default:
            ignored.append("buttons is not a list")
        }
        var image: String?
        switch object["image"] {
        case nil, .null?:
            break
        case .string(let url)?:
            image = url
        default:
            ignored.append("image is not a string")
        }
        // Checked as a template's are; the text is checked where it is known (it may come from the settings).
        if !buttons.isEmpty, let problem = BotResponse.problem(text: "-", buttons: buttons, image: nil) {
            ignored.append("buttons: \(problem)")
            buttons = []
        }
        if let url = image, let problem = BotResponse.problem(text: "-", buttons: [], image: url) {
            ignored.append(problem)
            image = nil
        }
        self.buttons = buttons
        self.image = image
    }
}

extension JSONValue {
    /// A string or number as text (whole numbers without a fraction); nil for anything else.
    var scalarText: String? {
        switch self {
        case .string(let text): text
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        default: nil
        }
    }
}

/// Fills `{name}` placeholders from a dictionary.
public enum ReplyTemplate {
    /// `template` with every `{name}` replaced by `values[name]`; nil when one has no value.
    public static func fill(_ template: String, with values: [String: String]) -> String? {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            guard let value = values[name] else { return nil }
            result += rest[..<open] + value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
