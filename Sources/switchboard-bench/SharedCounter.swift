import Synchronization

/// A counter that concurrent tasks share by reference (an `Atomic` itself cannot be captured).
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds one; returns the value before.
    func next() -> Int {
        value.add(1, ordering: .relaxed).oldValue
    }

    /// Adds `count`; returns the value after.
    func add(_ count: Int) -> Int {
        value.add(count, ordering: .relaxed).newValue
    }

    var current: Int { value.load(ordering: .acquiring) }
}
