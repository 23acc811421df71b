import SwitchboardCore

extension JSONValue {
    /// Element `index` of the array under `key`, or nil: a vendor block beside its typed decoding.
    subscript(_ key: String, _ index: Int) -> JSONValue? {
        guard case .array(let elements)? = objectFields?[key], elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// The fields of this object without the typed leaves at `paths` (see ``JSONValue/removing(_:)``); empty
    /// for anything else.
    func remainder(without paths: [String]) -> [String: JSONValue] {
        removing(paths)?.objectFields ?? [:]
    }
}
