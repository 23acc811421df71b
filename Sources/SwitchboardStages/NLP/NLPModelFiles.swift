public import Foundation

/// How the model watcher sees files: a cheap stamp to notice a change, and the contents. Tests inject an
/// in-memory one; ``disk`` reads the file system.
public struct NLPModelFiles: Sendable {
    /// What changes when a file is replaced or written: modification time, size and inode (a Kubernetes
    /// ConfigMap update swaps a symbolic link to a new file). Nil when the file cannot be seen.
    public var stamp: @Sendable (URL) -> FileStamp?
    /// The file's bytes.
    public var read: @Sendable (URL) throws -> Data

    /// Creates a file reader from its two operations.
    public init(stamp: @escaping @Sendable (URL) -> FileStamp?, read: @escaping @Sendable (URL) throws -> Data) {
        self.stamp = stamp
        self.read = read
    }

    /// A file's modification time, size and inode, followed through symbolic links.
    public struct FileStamp: Sendable, Hashable {
        public var modified: Date
        public var size: Int
        public var inode: Int

        public init(modified: Date, size: Int, inode: Int = 0) {
            self.modified = modified
            self.size = size
            self.inode = inode
        }
    }

    /// The file system.
    public static let disk = NLPModelFiles(
        stamp: { url in
            let path = url.resolvingSymlinksInPath().path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let modified = attributes[.modificationDate] as? Date
            else { return nil }
            return FileStamp(
                modified: modified, size: (attributes[.size] as? NSNumber)?.intValue ?? 0,
                inode: (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? 0)
        },
        read: { url in try Data(contentsOf: url) })
}
