import Synchronization

/// A bounded, thread-safe cache that keeps recently used entries: at most `capacity` of them.
///
/// Two generations instead of a linked LRU list: entries live in `current` until it holds half the capacity,
/// then `current` becomes `previous` (dropping the old `previous`); a hit in `previous` moves back to
/// `current`. Every operation is O(1) amortized, and what is dropped is what was not used for the longest.
public final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Generations {
        var current: [Key: Value] = [:]
        var previous: [Key: Value] = [:]
    }

    private let state = Mutex(Generations())
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = max(2, capacity)
    }

    public subscript(key: Key) -> Value? {
        state.withLock { state in
            if let value = state.current[key] { return value }
            guard let value = state.previous.removeValue(forKey: key) else { return nil }
            Self.insert(key, value, into: &state, capacity: capacity)
            return value
        }
    }

    public func set(_ value: Value, for key: Key) {
        state.withLock { state in
            state.previous[key] = nil
            Self.insert(key, value, into: &state, capacity: capacity)
        }
    }

    public func removeValue(for key: Key) {
        state.withLock { state in
            state.current[key] = nil
            state.previous[key] = nil
        }
    }

    /// Removes every entry `predicate` selects.
    public func removeAll(where predicate: (Key, Value) -> Bool) {
        state.withLock { state in
            state.current = state.current.filter { !predicate($0.key, $0.value) }
            state.previous = state.previous.filter { !predicate($0.key, $0.value) }
        }
    }

    /// Entries held now.
    public var count: Int { state.withLock { $0.current.count + $0.previous.count } }

    private static func insert(_ key: Key, _ value: Value, into state: inout Generations, capacity: Int) {
        state.current[key] = value
        if state.current.count >= capacity / 2 {
            state.previous = state.current
            state.current = [:]
        }
    }
}
