import Foundation

/// A learned entity tagger: an averaged structured perceptron over BIO tags with first-order
/// transitions, decoded by Viterbi with the BIO constraint (`I-x` only after `B-x` or `I-x`).
///
/// Training is deterministic (fixed seed, index-ordered sums), and so are its tags.
struct SequenceTagger: Sendable {
    struct Parameters: Sendable, Hashable {
        var epochs = 10
        /// Features seen fewer times are dropped for data sets of at least `largeDataSet` sentences.
        var minimumCount = 2
        var largeDataSet = 2000
        var seed: UInt64 = 0x5441_4747_4552_0001
    }

    /// `O`, then `B-x`, `I-x` per entity type (sorted).
    let tags: [String]
    let featureIndex: [String: Int32]
    /// Per feature, its non-zero (tag, weight) pairs: `rowStart[f]..<rowStart[f + 1]` in the two arrays.
    let rowStart: [Int32]
    let rowTags: [UInt16]
    let rowWeights: [Float]
    /// `(tags.count + 1) × tags.count`: the last row is the start of the sentence.
    let transitions: [Float]
    let features: TaggerFeatures
    /// Which tags may precede each tag, see ``predecessors(_:)``.
    let predecessors: [[Int]]

    var entityTypes: [String] { tags.filter { $0.hasPrefix("B-") }.map { String($0.dropFirst(2)) } }

    init(
        tags: [String], featureIndex: [String: Int32], rowStart: [Int32], rowTags: [UInt16], rowWeights: [Float],
        transitions: [Float], features: TaggerFeatures
    ) {
        self.tags = tags
        self.featureIndex = featureIndex
        self.rowStart = rowStart
        self.rowTags = rowTags
        self.rowWeights = rowWeights
        self.transitions = transitions
        self.features = features
        predecessors = Self.predecessors(tags)
    }

    /// The spans found in `text` (Unicode scalar offsets), given the message's intent.
    func spans(in text: String, intent: String?) -> [EntitySpan] {
        let tokens = EntityTokenizer.tokens(text)
        guard !tokens.isEmpty, tags.count > 1 else { return [] }
        let indexed = features.features(tokens, intent: intent).map { $0.compactMap { featureIndex[$0] } }
        let path = decode(indexed)
        return Self.spans(tags: path.map { tags[$0] }, tokens: tokens)
    }

    /// Scores of each tag for one token's features.
    private func emission(_ features: [Int32], into scores: inout [Float]) {
        for tag in scores.indices { scores[tag] = 0 }
        for feature in features {
            let feature = Int(feature)
            for position in Int(rowStart[feature])..<Int(rowStart[feature + 1]) {
                scores[Int(rowTags[position])] += rowWeights[position]
            }
        }
    }

    private func decode(_ sentence: [[Int32]]) -> [Int] {
        var emissions = [Float](repeating: 0, count: tags.count)
        return Self.viterbi(sentence.count, predecessors: predecessors, transitions: transitions) { position, scores in
            emission(sentence[position], into: &emissions)
            scores = emissions
        }
    }

    /// Best tag path for `length` tokens; `emission(position, &scores)` fills one token's tag scores.
    static func viterbi(
        _ length: Int, predecessors: [[Int]], transitions: [Float], emission: (Int, inout [Float]) -> Void
    ) -> [Int] {
        let count = predecessors.count
        var scores = [Float](repeating: 0, count: count)
        var delta = [Float](repeating: 0, count: count)
        var next = [Float](repeating: 0, count: count)
        var back = [Int](repeating: 0, count: length * count)
        emission(0, &scores)
        for tag in 0..<count {
            let canStart = predecessors[tag].last == count
            delta[tag] = canStart ? scores[tag] + transitions[count * count + tag] : -.infinity
        }
        if length > 1 {
            // A tag with every predecessor (`O`, `B-x`) scans all tags by pointer, with no bounds checks.
            // The scan is in ascending order with a strict comparison, as for the restricted tags, so
            // ties go to the lowest tag either way.
            let open = predecessors.map { $0.last == count }
            transitions.withUnsafeBufferPointer { transitions in
                guard let transitions = transitions.baseAddress else { return }
                for position in 1..<length {
                    emission(position, &scores)
                    delta.withUnsafeBufferPointer { delta in
                        for tag in 0..<count {
                            var best = -Float.infinity
                            var bestPrevious = 0
                            let column = transitions + tag
                            if open[tag] {
                                for previous in 0..<count {
                                    let score = delta[previous] + column[previous &* count]
                                    if score > best {
                                        best = score
                                        bestPrevious = previous
                                    }
                                }
                            } else {
                                for previous in predecessors[tag] where previous < count {
                                    let score = delta[previous] + column[previous &* count]
                                    if score > best {
                                        best = score
                                        bestPrevious = previous
                                    }
                                }
                            }
                            next[tag] = best + scores[tag]
                            back[position &* count &+ tag] = bestPrevious
                        }
                    }
                    swap(&delta, &next)
                }
            }
        }
        var tag = 0
        for candidate in 1..<count where delta[candidate] > delta[tag] { tag = candidate }
        var path = [Int](repeating: 0, count: length)
        for position in stride(from: length - 1, through: 0, by: -1) {
            path[position] = tag
            tag = back[position * count + tag]
        }
        return path
    }

    /// Per tag, the tags that may precede it in the BIO scheme, ascending; `tags.count` stands for the
    /// start of the sentence. `I-x` follows only `B-x` or `I-x`; every other tag follows anything.
    static func predecessors(_ tags: [String]) -> [[Int]] {
        tags.map { tag in
            guard tag.hasPrefix("I-") else { return Array(0...tags.count) }
            let type = tag.dropFirst(2)
            return tags.indices.filter { tags[$0] == "B-" + type || tags[$0] == "I-" + type }
        }
    }

    /// Entity spans from BIO tags.
    static func spans(tags: [String], tokens: [EntityToken]) -> [EntitySpan] {
        var spans: [EntitySpan] = []
        for (index, tag) in tags.enumerated() {
            if tag.hasPrefix("B-") {
                spans.append(
                    EntitySpan(entity: String(tag.dropFirst(2)), start: tokens[index].start, end: tokens[index].end))
            } else if tag.hasPrefix("I-"), let last = spans.last, last.entity == tag.dropFirst(2) {
                spans[spans.count - 1].end = tokens[index].end
            }
        }
        return spans
    }

    /// BIO tags of `tokens` for annotated `spans`: a token belongs to the span it overlaps.
    static func tags(for tokens: [EntityToken], spans: [EntitySpan]) -> [String] {
        var tags = Array(repeating: "O", count: tokens.count)
        for span in spans {
            var first = true
            for (index, token) in tokens.enumerated() where token.start < span.end && token.end > span.start {
                guard tags[index] == "O" else { continue }
                tags[index] = (first ? "B-" : "I-") + span.entity
                first = false
            }
        }
        return tags
    }
}
