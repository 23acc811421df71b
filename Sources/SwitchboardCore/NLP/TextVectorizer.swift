import Foundation

/// Maps ``TextFeatures`` to TF-IDF vectors over a vocabulary fixed at training time.
///
/// Each group is weighted by sublinear TF (1 + log count) times IDF and L2-normalised on its own, then
/// scaled so the groups' weights add up (``groupWeights``). Features never seen in training count in a
/// group's norm with the highest IDF but get no index: a text full of unknown words has a short known
/// vector, so a linear model's scores stay near its biases and its confidence low.
///
/// With ``embeddings``, a third group follows the sparse features: the text's dense embedding
/// (``StaticEmbeddings``, already unit length) at indices `idf.count ..< count`, weighted by the third
/// group weight. Words the table cannot split add nothing, so a text of such words has no dense part.
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
    /// The dense group's token vectors, if the model uses them.
    let embeddings: StaticEmbeddings?

    /// Sparse features, then the embedding's dimensions.
    var count: Int { idf.count + (embeddings?.dimensions ?? 0) }

    /// Builds the vocabulary from the training documents; features seen in fewer than `minimumCount`
    /// documents are left out (they count as unseen).
    init(
        documents: [TextFeatures], minimumCount: Int, groupWeights: [Float], shape: TextFeatures.Shape,
        embeddings: StaticEmbeddings?
    ) {
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
            vocabulary: vocabulary, idf: idf, unseenIdf: log(1 + total) + 1,
            groupWeights: embeddings == nil ? Array(groupWeights.prefix(2)) : groupWeights, shape: shape,
            embeddings: embeddings)
    }

    init(
        vocabulary: [String: Int32], idf: [Float], unseenIdf: Float, groupWeights: [Float], shape: TextFeatures.Shape,
        embeddings: StaticEmbeddings?
    ) {
        self.vocabulary = vocabulary
        self.idf = idf
        self.unseenIdf = unseenIdf
        self.groupWeights = groupWeights
        self.shape = shape
        self.embeddings = embeddings
    }

    /// The vector of `text`.
    func vector(_ text: String) -> SparseVector {
        vector(TextFeatures(text, shape: shape))
    }

    /// The vector of features already extracted.
    func vector(_ features: TextFeatures) -> SparseVector {
        let weightSum = groupWeights.reduce(0, +)
        var entries: [(Int32, Float)] = []
        let sparseGroups = min(features.groups.count, groupWeights.count)
        for (group, features) in features.groups.prefix(sparseGroups).enumerated() {
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
        let dense = TextFeatures.Group.allCases.count
        if let embeddings, groupWeights.count > dense, let embedding = embeddings.embedding(features.words) {
            let scale = (groupWeights[dense] / weightSum).squareRoot()
            for (dimension, value) in embedding.enumerated() {
                entries.append((Int32(idf.count + dimension), value * scale))
            }
        }
        return SparseVector(indices: entries.map(\.0), values: entries.map(\.1))
    }
}
