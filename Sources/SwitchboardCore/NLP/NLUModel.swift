/// A trained built-in model for one tenant: intent classifier, learned and regex entities, synonyms and
/// response templates.
///
/// Train it from ``NLUTrainingData``, or load one saved with ``serialized()`` (see
/// ``init(serialized:)``); both classify alike, to the bit.
public struct NLUModel: Sendable {
    let classifier: IntentClassifier
    let tagger: SequenceTagger?
    let extractor: RegexEntityExtractor
    let regexes: [String: [String]]
    let synonyms: [String: String]
    let lookups: [String: [String]]
    /// The tenant's reply templates.
    public let templates: ResponseTemplates
    /// The intent of out-of-scope training examples.
    public static let outOfScopeIntent = "oos"

    /// The intents the model knows, in training order.
    public var intents: [String] { classifier.intents }
    /// The temperature that divides the intent scores (fitted at training, see the README's NLU section);
    /// 1 leaves them as trained.
    public var confidenceTemperature: Double { Double(classifier.model.temperature) }
    /// Whether the classifier uses the static embeddings.
    public var usesEmbeddings: Bool { classifier.usesEmbeddings }
    /// The classifier's features, e.g. "word and character n-grams, static embeddings (256 dimensions,
    /// 29,000 tokens)".
    public var featureSummary: String {
        guard let embeddings = classifier.vectorizer.embeddings else {
            return "features: word and character n-grams, no embeddings"
        }
        return "features: word and character n-grams, static embeddings (\(embeddings.dimensions) dimensions, "
            + "\(embeddings.tokens.count) tokens)"
    }
    /// The entity types the tagger learned (sorted), empty without annotated training data.
    public var learnedEntityTypes: [String] { tagger?.entityTypes ?? [] }

    /// Trains a model from training data. Fails only on invalid regex patterns or no intents.
    ///
    /// `embeddings` chooses the classifier's dense group (static embeddings distilled from a sentence
    /// transformer): true, false, or nil for only when the data has out-of-scope (`oos`) examples.
    public init(training: NLUTrainingData, embeddings: Bool? = nil) throws(TenantConfigurationError) {
        guard !training.intents.isEmpty else {
            throw TenantConfigurationError("training data has no intents")
        }
        var lookups = training.lookups
        // Synonym values and their surface forms are gazetteer entries of the types they were annotated with.
        for example in training.examples {
            for span in example.entities where span.value != nil {
                lookups[span.entity, default: []].append(example.text.scalarSlice(span.start, span.end))
            }
        }
        let sortedLookups = lookups.mapValues { Array(Set($0)).sorted() }
        try self.init(
            classifier: IntentClassifier(
                training: training.intents, parameters: IntentClassifier.Parameters(embeddings: embeddings)),
            tagger: SequenceTagger(examples: training.examples, lookups: sortedLookups),
            regexes: training.regexes, synonyms: training.synonyms, lookups: sortedLookups,
            responses: training.responseVariants)
    }

    /// Parses Rasa-style YAML and trains a model from it.
    public init(yaml: String) throws(TenantConfigurationError) {
        try self.init(training: NLUTrainingData.parse(yaml: yaml))
    }

    init(
        classifier: IntentClassifier, tagger: SequenceTagger?, regexes: [String: [String]],
        synonyms: [String: String], lookups: [String: [String]], responses: [String: [BotResponse]]
    ) throws(TenantConfigurationError) {
        self.classifier = classifier
        self.tagger = tagger
        self.regexes = regexes
        self.synonyms = synonyms
        self.lookups = lookups
        extractor = try RegexEntityExtractor(regexes)
        templates = ResponseTemplates(variants: responses)
    }

    /// Classifies `text` and extracts entities.
    public func classify(_ text: String) -> NLPResult {
        analyse(text).result
    }

    /// The result, and the tagger's spans in Unicode scalar offsets (for evaluation against annotated data).
    func analyse(_ text: String) -> (result: NLPResult, spans: [EntitySpan]) {
        let features = TextFeatures(text, shape: classifier.vectorizer.shape)
        guard features.hasWords else {
            return (NLPResult(intent: nil, confidence: 0, entities: extractor.entities(in: text)), [])
        }
        let ranking = Array(classifier.rank(features).prefix(10))
        let intent = ranking.first?.intent
        let spans = tagger?.spans(in: text, intent: intent) ?? []
        let result = NLPResult(
            intent: intent, confidence: ranking.first?.confidence ?? 0, entities: entities(in: text, spans: spans),
            ranking: ranking)
        return (result, spans)
    }

    /// Regex entities, then the tagger's where they do not overlap one of the same type. Offsets are
    /// in characters, values normalised through the synonyms.
    private func entities(in text: String, spans: [EntitySpan]) -> [Entity] {
        var found = extractor.entities(in: text)
        for span in spans {
            let start = text.characterOffset(ofScalarOffset: span.start)
            let end = text.characterOffset(ofScalarOffset: span.end)
            let overlaps = found.contains {
                $0.name == span.entity && ($0.start ?? 0) < end && ($0.end ?? 0) > start
            }
            guard !overlaps else { continue }
            let surface = text.scalarSlice(span.start, span.end)
            found.append(
                Entity(name: span.entity, value: synonyms[surface.lowercased()] ?? surface, start: start, end: end))
        }
        return found.sorted { ($0.start ?? 0, $0.name) < ($1.start ?? 0, $1.name) }
    }
}
