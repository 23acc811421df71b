/// A trained built-in model for one tenant: intent classifier, regex entities and response templates.
public struct NLUModel: Sendable {
    private let classifier: IntentClassifier
    private let extractor: RegexEntityExtractor
    /// The tenant's reply templates.
    public let templates: ResponseTemplates

    /// Trains a model from training data. Fails only on invalid regex patterns or no intents.
    public init(training: NLUTrainingData) throws(TenantConfigurationError) {
        guard !training.intents.isEmpty else {
            throw TenantConfigurationError("training data has no intents")
        }
        classifier = IntentClassifier(training: training.intents)
        extractor = try RegexEntityExtractor(training.regexes)
        templates = ResponseTemplates(training.responses)
    }

    /// Parses Rasa-style YAML and trains a model from it.
    public init(yaml: String) throws(TenantConfigurationError) {
        try self.init(training: NLUTrainingData.parse(yaml: yaml))
    }

    /// Classifies `text` and extracts entities.
    public func classify(_ text: String) -> NLPResult {
        let entities = extractor.entities(in: text)
        let features = TextFeatures(text)
        guard features.hasWords else {
            return NLPResult(intent: nil, confidence: 0, entities: entities)
        }
        let ranking = Array(classifier.rank(features).prefix(10))
        return NLPResult(
            intent: ranking.first?.intent, confidence: ranking.first?.confidence ?? 0,
            entities: entities, ranking: ranking)
    }
}
