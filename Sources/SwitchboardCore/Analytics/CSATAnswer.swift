import Foundation

/// Recognises an answer to the satisfaction survey: a score from 1 to 5 written as a digit ("4", "4/5",
/// "4!"), a word ("four", "Five"), a keycap emoji ("4️⃣") or one to five stars ("⭐⭐⭐"). Anything else is not
/// an answer (and is routed as an ordinary message).
public enum CSATAnswer {
    private static let words = ["one": 1, "two": 2, "three": 3, "four": 4, "five": 5]

    /// The score `text` gives, or nil when it is not an answer.
    public static func score(_ text: String) -> Int? {
        var text = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        while let last = text.last, ".!".contains(last) { text.removeLast() }
        text = text.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("/5") { text = String(text.dropLast(2)).trimmingCharacters(in: .whitespaces) }
        if let value = Int(text), (1...5).contains(value) { return value }
        if let value = words[text] { return value }
        // Keycaps: the digit, an optional variation selector, the combining keycap.
        let scalars = Array(text.unicodeScalars).filter { $0.value != 0xFE0F }
        if scalars.count == 2, scalars[1].value == 0x20E3, let value = Int(String(scalars[0])),
            (1...5).contains(value)
        {
            return value
        }
        let stars = scalars.filter { $0 == "⭐" || $0 == "★" }
        if !stars.isEmpty, stars.count == scalars.count, stars.count <= 5 { return stars.count }
        return nil
    }
}
