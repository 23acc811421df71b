extension Envelope {
    /// The top-level key of ``channelExtensions`` on the wire.
    public static let channelExtensionsKey = "channel_extensions"

    /// What the channel's vendor sent about this message that Switchboard has no type for, verbatim under the
    /// vendor's own field names (WhatsApp `referral`, `context`, Telegram `entities`, `forward_origin`,
    /// Messenger `referral`, Twilio `ProfileName`, ...). Empty when the vendor sent nothing more.
    ///
    /// Carried as the top-level `channel_extensions` object, which every stage keeps and writes back like any
    /// key it does not know (``unknownFields``), so adding it needed no new envelope version. Values that are
    /// typed (text, media, location, reply context as ``relatesTo``) are not repeated here.
    public var channelExtensions: [String: JSONValue] {
        get {
            guard case .object(let fields)? = unknownFields[Self.channelExtensionsKey] else { return [:] }
            return fields
        }
        set {
            unknownFields[Self.channelExtensionsKey] = newValue.isEmpty ? nil : .object(newValue)
        }
    }
}

extension JSONValue {
    /// The value at `path` (object keys; `*` for every element of an array), or nil.
    public subscript(path path: String) -> JSONValue? {
        var value: JSONValue? = self
        for key in path.split(separator: ".") {
            guard case .object(let fields)? = value else { return nil }
            value = fields[String(key)]
        }
        return value
    }

    /// This value without the leaves at `paths` (dot-separated object keys, `*` for every element of an
    /// array); objects that end up empty are removed too. What a channel has typed is taken out of the raw
    /// vendor block this way, so what remains is exactly what Switchboard has no type for.
    public func removing(_ paths: [String]) -> JSONValue? {
        var value: JSONValue? = self
        for path in paths {
            value = value?.removing(path.split(separator: ".").map(String.init)[...])
        }
        return value
    }

    private func removing(_ path: ArraySlice<String>) -> JSONValue? {
        guard let key = path.first else { return nil }
        let rest = path.dropFirst()
        switch self {
        case .object(var fields):
            guard let child = fields[key] else { return self }
            fields[key] = rest.isEmpty ? nil : child.removing(rest)
            return fields.isEmpty ? nil : .object(fields)
        case .array(let elements) where key == "*":
            let kept = elements.map { rest.isEmpty ? nil : $0.removing(rest) }
            // Elements stay in place (their positions mean something); an emptied one becomes an empty object.
            if kept.allSatisfy({ $0 == nil }) { return nil }
            return .array(kept.map { $0 ?? .object([:]) })
        default:
            return self
        }
    }

    /// The object's fields, or nil when this is not an object.
    public var objectFields: [String: JSONValue]? {
        guard case .object(let fields) = self else { return nil }
        return fields
    }
}
