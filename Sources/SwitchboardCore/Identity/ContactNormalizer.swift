/// Normalises phone numbers and email addresses so the same contact written differently matches.
public enum ContactNormalizer {
    /// Normalises a phone number to an E.164-like form: `+` followed by 7 to 15 digits.
    ///
    /// Strips channel prefixes (`whatsapp:`, `tel:`, `sms:`), spaces, dashes, dots and parentheses,
    /// and turns a leading international `00` into `+`. Numbers are assumed to carry their country
    /// code already (channels deliver them that way); no national-format guessing is done.
    /// Returns nil when the result is not a plausible number.
    public static func phone(_ raw: String) -> String? {
        var text = raw.trimmingWhitespace().lowercased()
        for prefix in ["whatsapp:", "tel:", "sms:"] where text.hasPrefix(prefix) {
            text.removeFirst(prefix.count)
        }
        var digits = ""
        for (index, character) in text.enumerated() {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if character == "+", index == 0 {
                continue
            } else if " -.()/".contains(character) {
                continue
            } else {
                return nil
            }
        }
        if !text.hasPrefix("+"), digits.hasPrefix("00") {
            digits.removeFirst(2)
        }
        guard (7...15).contains(digits.count), !digits.hasPrefix("0") else { return nil }
        return "+" + digits
    }

    /// Normalises an email address (trimmed, lowercased), or nil when it is not shaped like one.
    public static func email(_ raw: String) -> String? {
        let text = raw.trimmingWhitespace().lowercased()
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !text.contains(where: \.isWhitespace)
        else { return nil }
        return text
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
