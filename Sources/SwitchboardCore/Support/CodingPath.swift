/// A coding path as a readable dotted path, e.g. `tenants[0].rules.business_hours`.
public func describeCodingPath(_ keys: [any CodingKey]) -> String {
    var result = ""
    for key in keys {
        if let index = key.intValue {
            result += "[\(index)]"
        } else {
            result += (result.isEmpty ? "" : ".") + key.stringValue
        }
    }
    return result
}
