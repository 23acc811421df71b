/// Turns text into sparse feature counts in three groups: word unigrams, word bigrams and character
/// 3- and 4-grams of each word (with `<` `>` word boundaries), the latter for typos and word forms.
struct TextFeatures {
    /// Feature groups; each is normalised on its own and weighted, see ``IntentClassifier``.
    enum Group: Int, CaseIterable {
        case word, bigram, character
    }

    /// Feature name → count, per group.
    var counts: [[String: Int]]

    /// Whether the text has any word (without one, every group is empty).
    var hasWords: Bool { !counts[Group.word.rawValue].isEmpty }

    init(_ text: String) {
        var counts = Array(repeating: [String: Int](), count: Group.allCases.count)
        let words = Tokenizer.words(text)
        for word in words {
            counts[Group.word.rawValue][word, default: 0] += 1
            let padded = Array("<" + word + ">")
            for length in 3...4 where padded.count >= length {
                for start in 0...(padded.count - length) {
                    counts[Group.character.rawValue][String(padded[start..<(start + length)]), default: 0] += 1
                }
            }
        }
        if words.count > 1 {
            for index in 1..<words.count {
                counts[Group.bigram.rawValue][words[index - 1] + " " + words[index], default: 0] += 1
            }
        }
        self.counts = counts
    }
}
