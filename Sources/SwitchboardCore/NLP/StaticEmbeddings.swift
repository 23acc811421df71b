import Foundation

/// Static token embeddings, distilled from a sentence transformer (all-MiniLM-L6-v2) by
/// `deploy/nlu/distil_embeddings.py`: one vector per WordPiece token, reduced by PCA and quantised to int8
/// with a scale per row.
///
/// A text's embedding is the mean of its words' token vectors, L2-normalised. A word in the table is one
/// token; another is split into WordPiece pieces (the longest known prefix, then `##` continuations, as
/// BERT's tokenizer does), and a word that cannot be split adds nothing. The sum runs in word order, so the
/// same text gives the same vector to the bit everywhere.
struct StaticEmbeddings: Sendable {
    let dimensions: Int
    /// Tokens in row order.
    let tokens: [String]
    let scales: [Float]
    /// Row-major, `tokens.count * dimensions`.
    let values: [Int8]
    private let index: [String: Int32]

    init(dimensions: Int, tokens: [String], scales: [Float], values: [Int8]) throws(NLUModelFileError) {
        guard dimensions > 0, scales.count == tokens.count, values.count == tokens.count * dimensions,
            scales.allSatisfy({ $0.isFinite })
        else { throw NLUModelFileError("the embedding table is corrupt") }
        self.dimensions = dimensions
        self.tokens = tokens
        self.scales = scales
        self.values = values
        var index: [String: Int32] = [:]
        index.reserveCapacity(tokens.count)
        for (row, token) in tokens.enumerated() { index[token] = Int32(row) }
        self.index = index
    }

    /// The L2-normalised mean of the words' token vectors; nil when no word has a token.
    func embedding(_ words: [String]) -> [Float]? {
        var sum = [Float](repeating: 0, count: dimensions)
        var count = 0
        values.withUnsafeBufferPointer { values in
            for word in words {
                for row in pieces(word) {
                    let scale = scales[Int(row)]
                    let start = Int(row) * dimensions
                    for dimension in 0..<dimensions {
                        sum[dimension] += Float(values[start + dimension]) * scale
                    }
                    count += 1
                }
            }
        }
        guard count > 0 else { return nil }
        var squared: Float = 0
        for value in sum { squared += value * value }
        guard squared > 0 else { return nil }
        let norm = squared.squareRoot()
        return sum.map { $0 / norm }
    }

    /// The rows of `word`: its own, or its WordPiece pieces; none when some part of it is unknown.
    func pieces(_ word: String) -> [Int32] {
        if let row = index[word] { return [row] }
        let scalars = Array(word.unicodeScalars)
        var rows: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: Int32?
            while end > start {
                var piece = start == 0 ? "" : "##"
                piece.unicodeScalars.append(contentsOf: scalars[start..<end])
                if let row = index[piece] {
                    found = row
                    break
                }
                end -= 1
            }
            guard let found else { return [] }
            rows.append(found)
            start = end
        }
        return rows
    }
}

extension StaticEmbeddings {
    /// The embedding file's first bytes.
    static let magic = Data("SWBEMB\r\n".utf8)

    /// Reads an embedding file (see `deploy/nlu/distil_embeddings.py` for the format).
    init(file data: Data) throws(NLUModelFileError) {
        guard data.prefix(Self.magic.count) == Self.magic else {
            throw NLUModelFileError("not a Switchboard embedding file")
        }
        var reader = NLUBinaryReader(data.dropFirst(Self.magic.count))
        guard try reader.int() == 1 else { throw NLUModelFileError("embedding file format is not supported") }
        let dimensions = try reader.int()
        let count = try reader.int()
        guard dimensions > 0, dimensions <= 4096, count >= 0 else { throw NLUModelFileError("the embedding table is corrupt") }
        var tokens: [String] = []
        tokens.reserveCapacity(count)
        for _ in 0..<count { tokens.append(try reader.string()) }
        let scales = try reader.rawFloats(count)
        let values = try reader.rawInt8s(count * dimensions)
        guard reader.isAtEnd else { throw NLUModelFileError("the embedding file has trailing bytes") }
        try self.init(dimensions: dimensions, tokens: tokens, scales: scales, values: values)
    }

    /// Writes the table into a model file's payload.
    func write(to writer: inout NLUBinaryWriter) {
        writer.int(dimensions)
        writer.strings(tokens)
        writer.floats(scales)
        writer.int8s(values)
    }

    /// Reads what ``write(to:)`` wrote.
    static func read(from reader: inout NLUBinaryReader) throws(NLUModelFileError) -> StaticEmbeddings {
        let dimensions = try reader.int()
        let tokens = try reader.strings()
        let scales = try reader.floats()
        let values = try reader.int8s()
        return try StaticEmbeddings(dimensions: dimensions, tokens: tokens, scales: scales, values: values)
    }

    /// The table shipped with Switchboard, loaded once: the file `SWITCHBOARD_NLU_EMBEDDINGS` names (`none`
    /// for no table), else the resource bundle beside the executable (where `swift build` puts it, and where
    /// the container image copies it). Nil when there is none or it does not read: the classifier then
    /// trains without the dense group, and says so (``IntentClassifier/usesEmbeddings``).
    static let builtIn: StaticEmbeddings? = {
        let environment = ProcessInfo.processInfo.environment["SWITCHBOARD_NLU_EMBEDDINGS"] ?? ""
        guard environment != "none" else { return nil }
        let url =
            environment.isEmpty
            ? Bundle.main.bundleURL.appendingPathComponent(resourceBundle).appendingPathComponent(resourceName)
            : URL(fileURLWithPath: environment)
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? StaticEmbeddings(file: data)
    }()

    /// SwiftPM's resource bundle of this module, and the table's file in it.
    static let resourceBundle = "switchboard_SwitchboardCore.resources"
    static let resourceName = "minilm-static.swbemb"
}
