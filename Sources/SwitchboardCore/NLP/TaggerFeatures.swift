/// The features of each token for the entity tagger: the word, its shape, prefixes and suffixes,
/// neighbouring words, the message's intent, and lookup-table (gazetteer) matches.
struct TaggerFeatures: Sendable {
    /// Lowercased multi-word phrases per entity type, from the training file's lookup tables and
    /// synonyms, as token sequences.
    let gazetteer: [[String]: [String]]
    /// Longest phrase in tokens.
    let longestPhrase: Int

    init(lookups: [String: [String]]) {
        var gazetteer: [[String]: Set<String>] = [:]
        for (entity, phrases) in lookups {
            for phrase in phrases {
                let tokens = EntityTokenizer.tokens(phrase).map { $0.text.lowercased() }
                guard !tokens.isEmpty else { continue }
                gazetteer[tokens, default: []].insert(entity)
            }
        }
        self.gazetteer = gazetteer.mapValues { $0.sorted() }
        longestPhrase = gazetteer.keys.map(\.count).max() ?? 0
    }

    /// Feature names per token, in a fixed order.
    func features(_ tokens: [EntityToken], intent: String?) -> [[String]] {
        let lower = tokens.map { $0.text.lowercased() }
        func at(_ index: Int) -> String {
            index < 0 ? "<s>" : index >= lower.count ? "</s>" : lower[index]
        }
        var gazetteerTags = Array(repeating: [String](), count: tokens.count)
        if longestPhrase > 0 {
            for start in lower.indices {
                for length in 1...min(longestPhrase, lower.count - start) {
                    guard let types = gazetteer[Array(lower[start..<(start + length)])] else { continue }
                    for type in types {
                        gazetteerTags[start].append("g=B-" + type)
                        for inside in (start + 1)..<(start + length) { gazetteerTags[inside].append("g=I-" + type) }
                    }
                }
            }
        }
        let intentName = intent ?? "-"
        return tokens.indices.map { index in
            let token = tokens[index].text
            let word = lower[index]
            let characters = Array(word)
            var features = [
                "b", "w=" + word, "s=" + Self.shape(token, collapsed: true), "S=" + Self.shape(token, collapsed: false),
                "w-1=" + at(index - 1), "w+1=" + at(index + 1), "w-2=" + at(index - 2),
                "w+2=" + at(index + 2), "w-1w=" + at(index - 1) + " " + word,
                "ww+1=" + word + " " + at(index + 1), "i=" + intentName, "iw=" + intentName + " " + word,
                "iw-1=" + intentName + " " + at(index - 1),
            ]
            for length in 1...3 where characters.count >= length {
                features.append("p\(length)=" + String(characters.prefix(length)))
                features.append("x\(length)=" + String(characters.suffix(length)))
            }
            if index == 0 { features.append("first") }
            features.append(contentsOf: gazetteerTags[index])
            return features
        }
    }

    /// `AB123456` → `X d` collapsed, `XXdddddd` in full (capped at 8 characters).
    static func shape(_ token: String, collapsed: Bool) -> String {
        var result = ""
        for character in token.prefix(collapsed ? 64 : 8) {
            let symbol: Character =
                character.isUppercase ? "X" : character.isLowercase ? "x" : character.isNumber ? "d" : character
            if collapsed, result.last == symbol { continue }
            result.append(symbol)
        }
        return result
    }
}
