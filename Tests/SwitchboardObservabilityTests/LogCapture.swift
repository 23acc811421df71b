import Foundation
import SwitchboardObservability
import Synchronization

/// Collects the lines a ``JSONLogHandler`` writes and parses them back with `JSONSerialization`.
final class LogCapture: Sendable {
    private let storage = Mutex<[String]>([])

    var output: LogOutput {
        .custom { line in self.storage.withLock { $0.append(line) } }
    }

    var lines: [String] {
        self.storage.withLock { $0 }
    }

    /// Every line as a JSON object; fails the caller's `#require` when one is not valid JSON.
    func objects() throws -> [[String: Any]] {
        try self.lines.map { line in
            guard line.hasSuffix("\n"), line.dropLast().firstIndex(of: "\n") == nil else {
                throw CaptureError.notOneLine(line)
            }
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CaptureError.notAnObject(line)
            }
            return object
        }
    }

    enum CaptureError: Error {
        case notOneLine(String)
        case notAnObject(String)
    }
}
