import Foundation

/// The intent classifier: TF-IDF vectors of words, word bigrams and character n-grams
/// (``TextVectorizer``) scored by multinomial logistic regression (``SoftmaxClassifier``).
///
/// Confidence is the model's probability of the intent. Training data with an `oos` intent (out of
/// scope) teaches the model what to reject; without one, text of unknown words still scores low
/// because unknown features shorten its known vector (see ``TextVectorizer``).
///
/// Every sum runs in a fixed order (features sorted, never a dictionary's order, which differs per
/// instance), so the same text gets the same confidence to the bit from every replica.
struct IntentClassifier: Sendable {
    /// Tuning knobs. Defaults chosen on the CLINC150 and SNIPS validation splits.
    struct Parameters: Sendable, Hashable {
        /// Weights of the word, character and dense-embedding groups (see ``TextVectorizer``).
        var groupWeights: [Float] = [1.0, 1.0, 1.0]
        /// Whether the dense group (the built-in ``StaticEmbeddings`` table) is used; nil: only when the
        /// data has out-of-scope examples, which teach the model what to reject in it (see the README).
        var embeddings: Bool?
        var shape = TextFeatures.Shape()
        /// Features in fewer training examples are dropped, for data sets of at least
        /// ``largeDataSet`` examples (small tenant files keep every feature).
        var minimumCount = 2
        var largeDataSet = 2000
        /// Fewer examples get more epochs, so a small file still trains this many steps.
        var minimumSteps = 4000
        var softmax = SoftmaxClassifier.Parameters()
        /// Whether to fit a temperature on held-out examples (see ``TemperatureScaling``).
        var calibrate = true
    }

    let intents: [String]
    let vectorizer: TextVectorizer
    let model: SoftmaxClassifier

    init(intents: [String], vectorizer: TextVectorizer, model: SoftmaxClassifier) {
        self.intents = intents
        self.vectorizer = vectorizer
        self.model = model
    }

    init(training: [NLUTrainingData.IntentExamples], parameters: Parameters = Parameters()) {
        intents = training.map(\.name)
        var documents: [TextFeatures] = []
        var labels: [Int] = []
        for (intentIndex, intent) in training.enumerated() {
            for example in intent.examples {
                documents.append(TextFeatures(example, shape: parameters.shape))
                labels.append(intentIndex)
            }
        }
        let vectorizer = TextVectorizer(
            documents: documents,
            minimumCount: documents.count >= parameters.largeDataSet ? parameters.minimumCount : 1,
            groupWeights: parameters.groupWeights, shape: parameters.shape,
            embeddings: parameters.embeddings ?? intents.contains(NLUModel.outOfScopeIntent)
                ? StaticEmbeddings.builtIn : nil)
        self.vectorizer = vectorizer
        let vectors = documents.map { vectorizer.vector($0) }
        var softmax = parameters.softmax
        if !documents.isEmpty {
            softmax.epochs = max(softmax.epochs, (parameters.minimumSteps + documents.count - 1) / documents.count)
        }
        var model = SoftmaxClassifier(
            vectors: vectors, labels: labels, classCount: intents.count, featureCount: vectorizer.count,
            parameters: softmax)
        if parameters.calibrate {
            model.temperature = Self.temperature(
                vectors: vectors, labels: labels, classCount: intents.count, featureCount: vectorizer.count,
                parameters: softmax, largeDataSet: documents.count >= parameters.largeDataSet,
                sharpen: intents.contains(NLUModel.outOfScopeIntent))
        }
        self.model = model
    }

    /// The temperature fitted on held-out predictions (at least 1 unless the data has out-of-scope
    /// examples, see ``TemperatureScaling``): for a large data set, a model trained on four fifths
    /// of each intent's examples predicts the fifth; for a small one, five such models predict every example
    /// once (cross-fitting). Folds go by an example's position within its intent, so they are the same on
    /// every run.
    private static func temperature(
        vectors: [SparseVector], labels: [Int], classCount: Int, featureCount: Int,
        parameters: SoftmaxClassifier.Parameters, largeDataSet: Bool, sharpen: Bool
    ) -> Float {
        let folds = 5
        var fold: [Int] = []
        var seen = [Int](repeating: 0, count: classCount)
        for label in labels {
            fold.append(seen[label] % folds)
            seen[label] += 1
        }
        var logits: [[Float]] = []
        var heldOutLabels: [Int] = []
        for held in 0..<(largeDataSet ? 1 : folds) {
            let train = labels.indices.filter { fold[$0] != held }
            let test = labels.indices.filter { fold[$0] == held }
            guard !train.isEmpty, !test.isEmpty else { continue }
            var foldParameters = parameters
            // As many steps as the full model takes, so the held-out model is as sure of itself.
            foldParameters.epochs = (parameters.epochs * labels.count + train.count - 1) / train.count
            let model = SoftmaxClassifier(
                vectors: train.map { vectors[$0] }, labels: train.map { labels[$0] }, classCount: classCount,
                featureCount: featureCount, parameters: foldParameters)
            for index in test {
                logits.append(model.logits(vectors[index]))
                heldOutLabels.append(labels[index])
            }
        }
        return TemperatureScaling.fit(logits: logits, labels: heldOutLabels, sharpen: sharpen)
    }

    /// Whether the model has the dense embedding group.
    var usesEmbeddings: Bool { vectorizer.embeddings != nil }

    /// Intents with their probabilities, best first (ties by name).
    func rank(_ features: TextFeatures) -> [IntentScore] {
        let probabilities = model.probabilities(vectorizer.vector(features))
        return zip(intents, probabilities)
            .map { IntentScore(intent: $0, confidence: Double($1)) }
            .sorted { $0.confidence > $1.confidence || ($0.confidence == $1.confidence && $0.intent < $1.intent) }
    }
}
