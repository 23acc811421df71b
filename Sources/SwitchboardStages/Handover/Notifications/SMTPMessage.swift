import Foundation

/// A plain-text email, rendered for SMTP's DATA: header fields that no value can break, and a body with
/// CRLF line ends, dot-stuffed, ending in `<CRLF>.<CRLF>`.
///
/// Header values are cleaned before use: control characters (CR and LF among them) become spaces, so a
/// value cannot end its field and start another; a value with non-ASCII text is an RFC 2047 encoded word.
/// The body is 7-bit text when it is ASCII, else UTF-8 in base64.
struct SMTPMessage: Sendable, Hashable {
    var from: String
    var to: [String]
    var subject: String
    var body: String
    var messageId: String
    var date: Date
    /// More header fields (name, value); names must be ASCII letters, digits and `-`.
    var extraHeaders: [(String, String)] = []

    static func == (lhs: SMTPMessage, rhs: SMTPMessage) -> Bool { lhs.rendered == rhs.rendered }
    func hash(into hasher: inout Hasher) { hasher.combine(rendered) }

    /// The bytes after DATA, terminator included.
    var rendered: [UInt8] {
        let ascii = body.unicodeScalars.allSatisfy(\.isASCII)
        var fields: [(String, String)] = [
            ("From", Self.headerValue(from)),
            ("To", to.map(Self.headerValue).joined(separator: ", ")),
            ("Subject", Self.encodedWord(subject)),
            ("Date", Self.rfc5322Date(date)),
            ("Message-ID", "<\(Self.headerValue(messageId))>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", ascii ? "7bit" : "base64"),
        ]
        fields += extraHeaders.filter { Self.isFieldName($0.0) }.map { ($0.0, Self.encodedWord($0.1)) }
        var text = fields.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
        if ascii {
            text += Self.dotStuffed(body)
        } else {
            let encoded = Data(body.utf8).base64EncodedString(options: [
                .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
            ])
            text += encoded + "\r\n"
        }
        return Array((text + ".\r\n").utf8)
    }

    /// `text` with every line ending as CRLF (bare CR and LF too), a `.` doubled at the start of each line,
    /// and a final CRLF.
    static func dotStuffed(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        var out = ""
        for (index, line) in lines.enumerated() {
            if index == lines.count - 1 && line.isEmpty { break }
            if line.hasPrefix(".") { out += "." }
            out += line + "\r\n"
        }
        return out
    }

    /// `value` with every control character (CR, LF, tab, DEL…) as a space, trimmed, at most 900 bytes.
    static func headerValue(_ value: String) -> String {
        var cleaned = String(
            String.UnicodeScalarView(value.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        cleaned = cleaned.trimmingCharacters(in: .whitespaces)
        while cleaned.utf8.count > 900 { cleaned.removeLast() }
        return cleaned
    }

    /// ``headerValue(_:)``, as an RFC 2047 encoded word (`=?utf-8?B?…?=`) when it is not ASCII.
    static func encodedWord(_ value: String) -> String {
        let cleaned = headerValue(value)
        if cleaned.unicodeScalars.allSatisfy(\.isASCII) { return cleaned }
        // Encoded words are at most 75 characters: split the text into runs of at most 45 bytes, on
        // character boundaries, and fold between them.
        var words: [String] = []
        var run = ""
        for character in cleaned {
            if run.utf8.count + String(character).utf8.count > 45 {
                words.append(run)
                run = ""
            }
            run.append(character)
        }
        if !run.isEmpty { words.append(run) }
        return words.map { "=?utf-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func isFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    /// `Tue, 01 Dec 2026 06:51:17 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
