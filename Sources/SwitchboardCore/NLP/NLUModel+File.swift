internal import Crypto
public import Foundation

extension NLUModel {
    /// The model file's first bytes.
    static let magic = Data("SWBNLU\r\n".utf8)
    /// The format this build writes and reads (2: with the classifier's temperature; 3: with the dense
    /// embedding table the classifier was trained with, so a model file is whole on its own).
    public static let fileFormatVersion = 3

    /// The model as a file: magic, format version, SHA-256 of the payload, payload.
    ///
    /// The same model always gives the same bytes (maps are written in sorted key order). Responses with
    /// buttons or images follow the text responses as one JSON string, only when there are any: a text-only
    /// model's file is what it was before rich responses, and a build from before them refuses a file with
    /// them (trailing bytes) rather than send their texts without buttons.
    public func serialized() -> Data {
        var payload = NLUBinaryWriter()
        writeClassifier(to: &payload)
        writeTagger(to: &payload)
        payload.map(regexes)
        payload.map(synonyms.mapValues { [$0] })
        payload.map(lookups)
        payload.map(templates.responses)
        if let rich = Self.richResponses(templates) { payload.string(rich) }
        var file = Self.magic
        var header = NLUBinaryWriter()
        header.int(Self.fileFormatVersion)
        file.append(header.data)
        file.append(contentsOf: SHA256.hash(data: payload.data))
        file.append(payload.data)
        return file
    }

    /// Loads a model written by ``serialized()``; refuses another format version and a payload whose
    /// checksum does not match.
    public init(serialized data: Data) throws(NLUModelFileError) {
        guard data.count >= Self.magic.count + 8 + 32, data.prefix(Self.magic.count) == Self.magic else {
            throw NLUModelFileError("not a Switchboard NLU model file")
        }
        var header = NLUBinaryReader(data.dropFirst(Self.magic.count).prefix(8))
        let version = try header.int()
        guard version == Self.fileFormatVersion else {
            throw NLUModelFileError(
                "model file format version \(version) is not supported (this build reads \(Self.fileFormatVersion))")
        }
        let checksum = Data(data.dropFirst(Self.magic.count + 8).prefix(32))
        let payload = Data(data.dropFirst(Self.magic.count + 8 + 32))
        guard Data(SHA256.hash(data: payload)) == checksum else {
            throw NLUModelFileError("model file checksum mismatch: the file is damaged or was edited")
        }
        var reader = NLUBinaryReader(payload)
        let classifier = try Self.readClassifier(from: &reader)
        let tagger = try Self.readTagger(from: &reader, lookups: nil)
        let regexes = try reader.map()
        let synonyms = try reader.map().compactMapValues(\.first)
        let lookups = try reader.map()
        var responses = try reader.map().mapValues { $0.map { BotResponse(text: $0) } }
        if !reader.isAtEnd {
            let json = try reader.string()
            guard let rich = try? JSONDecoder().decode([String: [BotResponse]].self, from: Data(json.utf8)) else {
                throw NLUModelFileError("the model file is corrupt")
            }
            responses.merge(rich) { _, rich in rich }
        }
        guard reader.isAtEnd else { throw NLUModelFileError("the model file has trailing bytes") }
        do {
            try self.init(
                classifier: classifier,
                tagger: tagger.map { $0.with(features: TaggerFeatures(lookups: lookups)) },
                regexes: regexes, synonyms: synonyms, lookups: lookups, responses: responses)
        } catch {
            throw NLUModelFileError("the model file's regexes are invalid: \(error)")
        }
    }

    /// The responses that have a variant with buttons or an image, as JSON with sorted keys; nil for none.
    private static func richResponses(_ templates: ResponseTemplates) -> String? {
        let rich = templates.variants.filter { $0.value.contains(where: \.isRich) }
        guard !rich.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(rich)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// "format 2, sha256 …" for a model file's bytes (the checksum of its payload, as stored).
    public static func fileSummary(_ data: Data) -> String {
        let checksum = data.dropFirst(magic.count + 8).prefix(32).map { String(format: "%02x", $0) }.joined()
        var header = NLUBinaryReader(data.dropFirst(magic.count).prefix(8))
        let version = (try? header.int()) ?? fileFormatVersion
        return "format \(version), sha256 \(checksum)"
    }

    private func writeClassifier(to writer: inout NLUBinaryWriter) {
        let vectorizer = classifier.vectorizer
        writer.strings(classifier.intents)
        writer.int(vectorizer.shape.characterLengths.lowerBound)
        writer.int(vectorizer.shape.characterLengths.upperBound)
        writer.floats(vectorizer.groupWeights)
        writer.strings(Self.names(vectorizer.vocabulary))
        writer.floats(vectorizer.idf)
        writer.float(vectorizer.unseenIdf)
        writer.floats(classifier.model.weights)
        writer.floats(classifier.model.bias)
        writer.float(classifier.model.temperature)
        if let embeddings = vectorizer.embeddings {
            writer.int(1)
            embeddings.write(to: &writer)
        } else {
            writer.int(0)
        }
    }

    private static func readClassifier(from reader: inout NLUBinaryReader) throws(NLUModelFileError) -> IntentClassifier
    {
        let intents = try reader.strings()
        let lower = try reader.int()
        let upper = try reader.int()
        guard 1 <= lower, lower <= upper, upper <= 16 else { throw NLUModelFileError("the model file is corrupt") }
        let groupWeights = try reader.floats()
        let names = try reader.strings()
        let idf = try reader.floats()
        let unseenIdf = try reader.float()
        let weights = try reader.floats()
        let bias = try reader.floats()
        let temperature = try reader.float()
        let embeddings = try reader.int() == 1 ? try StaticEmbeddings.read(from: &reader) : nil
        let featureCount = names.count + (embeddings?.dimensions ?? 0)
        guard !intents.isEmpty, idf.count == names.count, bias.count == intents.count,
            weights.count == featureCount * intents.count, temperature.isFinite, temperature > 0,
            groupWeights.count == (embeddings == nil ? 2 : 3)
        else { throw NLUModelFileError("the model file is corrupt") }
        let vectorizer = TextVectorizer(
            vocabulary: Self.index(names), idf: idf, unseenIdf: unseenIdf, groupWeights: groupWeights,
            shape: TextFeatures.Shape(characterLengths: lower...upper), embeddings: embeddings)
        let model = SoftmaxClassifier(
            classCount: intents.count, featureCount: featureCount, weights: weights, bias: bias,
            temperature: temperature)
        return IntentClassifier(intents: intents, vectorizer: vectorizer, model: model)
    }

    private func writeTagger(to writer: inout NLUBinaryWriter) {
        guard let tagger else {
            writer.int(0)
            return
        }
        writer.int(1)
        writer.strings(tagger.tags)
        writer.strings(Self.names(tagger.featureIndex))
        writer.int32s(tagger.rowStart)
        writer.uint16s(tagger.rowTags)
        writer.floats(tagger.rowWeights)
        writer.floats(tagger.transitions)
    }

    private static func readTagger(
        from reader: inout NLUBinaryReader, lookups: [String: [String]]?
    ) throws(NLUModelFileError) -> SequenceTagger? {
        guard try reader.int() == 1 else { return nil }
        let tags = try reader.strings()
        let names = try reader.strings()
        let rowStart = try reader.int32s()
        let rowTags = try reader.uint16s()
        let rowWeights = try reader.floats()
        let transitions = try reader.floats()
        guard !tags.isEmpty, rowStart.count == names.count + 1, rowStart.first == 0,
            zip(rowStart, rowStart.dropFirst()).allSatisfy({ $0 <= $1 }), Int(rowStart.last ?? 0) == rowTags.count,
            rowTags.count == rowWeights.count, rowTags.allSatisfy({ Int($0) < tags.count }),
            transitions.count == (tags.count + 1) * tags.count
        else { throw NLUModelFileError("the model file is corrupt") }
        return SequenceTagger(
            tags: tags, featureIndex: Self.index(names), rowStart: rowStart, rowTags: rowTags, rowWeights: rowWeights,
            transitions: transitions, features: TaggerFeatures(lookups: lookups ?? [:]))
    }

    /// Names in index order.
    private static func names(_ vocabulary: [String: Int32]) -> [String] {
        var names = Array(repeating: "", count: vocabulary.count)
        for (name, index) in vocabulary { names[Int(index)] = name }
        return names
    }

    private static func index(_ names: [String]) -> [String: Int32] {
        var index: [String: Int32] = [:]
        index.reserveCapacity(names.count)
        for (position, name) in names.enumerated() { index[name] = Int32(position) }
        return index
    }
}

extension SequenceTagger {
    /// The same weights with other token features (the gazetteer is rebuilt after loading).
    func with(features: TaggerFeatures) -> SequenceTagger {
        SequenceTagger(
            tags: tags, featureIndex: featureIndex, rowStart: rowStart, rowTags: rowTags, rowWeights: rowWeights,
            transitions: transitions, features: features)
    }
}
