import Foundation

/// The keywords by which a customer stops or restarts messages on a channel, per language, as carriers and
/// Twilio's Advanced Opt-Out recognise them: the whole message is the keyword (case, accents, surrounding
/// spaces and punctuation aside), so "please stop the delivery" is no opt-out.
///
/// Web chat has no keywords: its replies only answer a visitor's own request.
public struct ConsentKeywords: Sendable {
    /// What a message asks for.
    public enum Request: String, Sendable, Hashable {
        /// Stop every message on this channel (STOP, UNSUBSCRIBE, …).
        case optOut = "opt_out"
        /// Messages again (START, …).
        case optIn = "opt_in"
    }

    /// A recognised keyword: what it asks for and the language of the confirmation.
    public struct Match: Sendable, Hashable {
        public var request: Request
        /// ISO 639-1 code of the keyword's language (`en`, `de`, `fr`, `es`).
        public var language: String

        public init(request: Request, language: String) {
            self.request = request
            self.language = language
        }
    }

    /// Opt-out keywords by language, upper-case without accents.
    public static let optOut: [String: Set<String>] = [
        "en": ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"],
        "de": ["STOPP", "ABMELDEN", "ABBESTELLEN"],
        "fr": ["ARRET", "DESABONNER", "DESINSCRIRE"],
        "es": ["BAJA", "ALTO", "PARAR", "CANCELAR"],
    ]
    /// Opt-in keywords by language.
    public static let optIn: [String: Set<String>] = [
        "en": ["START", "UNSTOP", "SUBSCRIBE"],
        "de": ["ANMELDEN"],
        "fr": ["REPRENDRE"],
        "es": ["ALTA", "REANUDAR"],
    ]

    /// The confirmation sent after an opt-out (the one message the law allows after it) and after an opt-in,
    /// by language.
    public static let confirmations: [Request: [String: String]] = [
        .optOut: [
            "en": "You have been unsubscribed and will receive no further messages here. Reply START to resubscribe.",
            "de": "Sie wurden abgemeldet und erhalten hier keine weiteren Nachrichten. "
                + "Antworten Sie START, um sich wieder anzumelden.",
            "fr": "Vous êtes désabonné et ne recevrez plus de messages ici. Répondez START pour vous réabonner.",
            "es": "Se ha dado de baja y no recibirá más mensajes aquí. Responda START para volver a suscribirse.",
        ],
        .optIn: [
            "en": "You have been resubscribed. Reply STOP to unsubscribe.",
            "de": "Sie sind wieder angemeldet. Antworten Sie STOP, um sich abzumelden.",
            "fr": "Vous êtes réabonné. Répondez STOP pour vous désabonner.",
            "es": "Se ha vuelto a suscribir. Responda STOP para darse de baja.",
        ],
    ]

    public init() {}

    /// The keyword `text` is on `channel`, or nil. Telegram's `/stop` and `/start` commands count too.
    public func match(_ text: String, channel: Channel) -> Match? {
        guard channel != .webchat else { return nil }
        var word = Self.normalized(text)
        if channel == .telegram, word.hasPrefix("/") {
            word.removeFirst()
            // `/stop@SomeBot` in groups.
            if let at = word.firstIndex(of: "@") { word = String(word[..<at]) }
        }
        guard !word.isEmpty, word.count <= 16 else { return nil }
        // English first: STOP and START are understood whatever the language.
        for language in ["en", "de", "fr", "es"] {
            if Self.optOut[language]?.contains(word) == true { return Match(request: .optOut, language: language) }
            if Self.optIn[language]?.contains(word) == true { return Match(request: .optIn, language: language) }
        }
        return nil
    }

    /// The confirmation for `match`, in its language.
    public func confirmation(for match: Match) -> String {
        let texts = Self.confirmations[match.request] ?? [:]
        return texts[match.language] ?? texts["en"] ?? ""
    }

    /// Upper-case, without accents, surrounding spaces and punctuation, and with inner spaces, hyphens and
    /// underscores removed ("opt-out", "Stop all" and "STOP!" read as OPTOUT, STOPALL, STOP).
    static func normalized(_ text: String) -> String {
        guard text.utf8.count <= 64 else { return "" }
        let folded = text.folding(options: [.diacriticInsensitive], locale: nil).uppercased()
        var slice = folded[...]
        while let first = slice.first, !first.isLetter, first != "/" { slice.removeFirst() }
        while let last = slice.last, !last.isLetter { slice.removeLast() }
        return String(slice.filter { $0 != " " && $0 != "-" && $0 != "_" })
    }
}
