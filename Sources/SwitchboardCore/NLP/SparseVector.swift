/// A sparse feature vector: feature indices ascending, with their values.
struct SparseVector: Sendable, Hashable {
    var indices: [Int32]
    var values: [Float]

    static let empty = SparseVector(indices: [], values: [])
}
