extension Content.Choice {
    /// The number in a customer's answer to numbered options (``numberedText``): `"2"`, with white space
    /// around it and a trailing `.` or `)` allowed (`" 2. "`, `"2)"`); nil for any other text, and for 0.
    public static func answerNumber(_ text: String) -> Int? {
        var trimmed = Substring(text).drop { $0.isWhitespace }
        while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }
        if let last = trimmed.last, last == "." || last == ")" { trimmed.removeLast() }
        guard (1...2).contains(trimmed.count), trimmed.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int(trimmed), number >= 1
        else { return nil }
        return number
    }

    /// What tapping the option a numbered answer picks would have sent: an interactive reply with the option's
    /// id as payload and its title; nil when `text` is not a bare number or the choice has no such option.
    public func reply(toNumbered text: String) -> Content.InteractiveReply? {
        guard let number = Self.answerNumber(text), number <= options.count else { return nil }
        let option = options[number - 1]
        return Content.InteractiveReply(payload: option.id, title: option.title, description: option.description)
    }
}
