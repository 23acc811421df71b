import Foundation

/// Maps ``TextFeatures`` to TF-IDF vectors over a vocabulary fixed at training time.
///
/// Each group is weighted by sublinear TF (1 + log count) times IDF and L2-normalised on its own, then
/// scaled so the groups' weights add up (``groupWeights``). Features never seen in training count in a
/// group's norm with the highest IDF but get no index: a text full of unknown words has a short known
/// vector, so a linear model's scores stay near its biases and its confidence low.
struct TextVectorizer: Sendable {
    /// Feature name → index; names carry their group (`0|word`, `1|<wo`).
    let vocabulary: [String: Int32]
    /// Inverse document frequency per index.
    let idf: [Float]
    /// IDF of a feature never seen in training.
    let unseenIdf: Float
    /// Relative weight of each group (word, character).
    let groupWeights: [Float]
    let shape: TextFeatures.Shape

    var count: Int { idf.count }

    /// Builds the vocabulary from the training documents; features seen in fewer than `minimumCount`
    /// documents are left out (they count as unseen).
    init(documents: [TextFeatures], minimumCount: Int, groupWeights: [Float], shape: TextFeatures.Shape) {
        var frequency: [String: Int] = [:]
        for document in documents {
            for (group, features) in document.groups.enumerated() {
                for (feature, _) in features {
                    frequency["\(group)|\(feature)", default: 0] += 1
                }
            }
        }
        let kept = frequency.filter { $0.value >= minimumCount }.keys.sorted()
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(kept.count)
        let total = Float(documents.count)
        var idf: [Float] = []
        idf.reserveCapacity(kept.count)
        for (index, name) in kept.enumerated() {
            vocabulary[name] = Int32(index)
            idf.append(log((1 + total) / (1 + Float(frequency[name] ?? 0))) + 1)
        }
        self.init(
            vocabulary: vocabulary, idf: idf, unseenIdf: log(1 + total) + 1, groupWeights: groupWeights,
            shape: shape)
    }

    init(vocabulary: [String: Int32], idf: [Float], unseenIdf: Float, groupWeights: [Float], shape: TextFeatures.Shape)
    {
        self.vocabulary = vocabulary
        self.idf = idf
        self.unseenIdf = unseenIdf
        self.groupWeights = groupWeights
        self.shape = shape
    }

    /// The vector of `text`.
    func vector(_ text: String) -> SparseVector {
        vector(TextFeatures(text, shape: shape))
    }

    /// The vector of features already extracted.
    func vector(_ features: TextFeatures) -> SparseVector {
        let weightSum = groupWeights.reduce(0, +)
        var entries: [(Int32, Float)] = []
        for (group, features) in features.groups.enumerated() where group < groupWeights.count {
            var known: [(Int32, Float)] = []
            var squared: Float = 0
            // Features arrive sorted by name, so the sum runs in the same order everywhere.
            for (feature, count) in features {
                let index = vocabulary["\(group)|\(feature)"]
                let value = (1 + log(Float(count))) * (index.map { idf[Int($0)] } ?? unseenIdf)
                squared += value * value
                if let index { known.append((index, value)) }
            }
            guard squared > 0 else { continue }
            let scale = (groupWeights[group] / weightSum).squareRoot() / squared.squareRoot()
            for (index, value) in known { entries.append((index, value * scale)) }
        }
        entries.sort { $0.0 < $1.0 }
        return SparseVector(indices: entries.map(\.0), values: entries.map(\.1))
    }
}
