import Foundation

/// C copies of Swift strings and bytes that live until the arena is released.
final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    func string(_ text: String) -> UnsafeMutablePointer<CChar> {
        let copy = strdup(text)!
        allocations.append(UnsafeMutableRawPointer(copy))
        return copy
    }

    func bytes(_ bytes: [UInt8]) -> UnsafeMutableRawPointer {
        let memory = malloc(max(bytes.count, 1))!
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { memory.copyMemory(from: base, byteCount: source.count) }
        }
        allocations.append(memory)
        return memory
    }

    deinit {
        for allocation in allocations { free(allocation) }
    }
}
