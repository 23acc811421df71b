/// Turns text into sparse feature counts in two groups: words (unigrams and bigrams of the
/// ``Tokenizer``'s tokens) and character n-grams of each word with `<` `>` word boundaries, the latter
/// for typos and word forms.
///
/// Counts are kept as sorted (feature, count) lists, never in a dictionary's iteration order, so
/// everything computed from them runs in the same order on every replica.
struct TextFeatures {
    /// Feature groups; each is normalised on its own and weighted, see ``TextVectorizer``.
    enum Group: Int, CaseIterable {
        case word, character
    }

    /// Shape of the features: which character n-grams are used.
    struct Shape: Sendable, Hashable {
        var characterLengths: ClosedRange<Int> = 2...5
    }

    /// Sorted (feature, count) per group.
    var groups: [[(feature: String, count: Int)]]
    /// The ``Tokenizer``'s words, in text order (for the dense embedding, see ``StaticEmbeddings``).
    var words: [String]

    /// Whether the text has any word (without one, every group is empty).
    var hasWords: Bool { !groups[Group.word.rawValue].isEmpty }

    init(_ text: String, shape: Shape = Shape()) {
        let words = Tokenizer.words(text)
        self.words = words
        var wordFeatures: [String] = words
        var characterFeatures: [String] = []
        if words.count > 1 {
            for index in 1..<words.count {
                wordFeatures.append(words[index - 1] + " " + words[index])
            }
        }
        for word in words {
            let padded = Array(("<" + word + ">").unicodeScalars)
            for length in shape.characterLengths where padded.count >= length {
                for start in 0...(padded.count - length) {
                    var gram = String.UnicodeScalarView()
                    gram.append(contentsOf: padded[start..<(start + length)])
                    characterFeatures.append(String(gram))
                }
            }
        }
        groups = [Self.counted(wordFeatures), Self.counted(characterFeatures)]
    }

    private static func counted(_ features: [String]) -> [(feature: String, count: Int)] {
        var result: [(feature: String, count: Int)] = []
        for feature in features.sorted() {
            if result.last?.feature == feature {
                result[result.count - 1].count += 1
            } else {
                result.append((feature, 1))
            }
        }
        return result
    }
}
