/// File names of stored media, as they reach a `Content-Disposition` header: printable ASCII letters, digits,
/// `.`, `-` and `_` only, at most 100 characters, never starting with a dot.
public enum MediaFileName {
    public static func sanitised(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(
            last.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }.prefix(100))
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        return cleaned
    }
}
