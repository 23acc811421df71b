import Foundation

/// Splits text into comparable word tokens: lowercased, diacritics folded (`Grüße` → `grusse`,
/// `café` → `cafe`), apostrophes dropped inside words (`don't` → `dont`), everything else that is
/// not a letter or digit separates tokens.
public enum Tokenizer {
    /// The tokens of `text`.
    public static func words(_ text: String) -> [String] {
        let folded = text.replacingOccurrences(of: "ß", with: "ss")
            .folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var tokens: [String] = []
        var current = ""
        for character in folded {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if character == "'" || character == "’" {
                continue
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
