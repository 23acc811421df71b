/// SplitMix64: a small random generator with a fixed seed, so training shuffles the same way on every
/// machine and every run.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The indices `0..<count` in a shuffled order (Fisher-Yates, independent of the standard library's
    /// shuffle algorithm, which may change between releases).
    mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        guard count > 1 else { return order }
        for index in stride(from: count - 1, to: 0, by: -1) {
            let other = Int(next() % UInt64(index + 1))
            order.swapAt(index, other)
        }
        return order
    }
}
