import Crypto
public import Foundation
import SwitchboardMongo

/// Inbound media in MongoDB GridFS layout, bucket `media`: `media.files` (one document per file, its
/// `metadata` naming the tenant, message, customer, content type and SHA-256) and `media.chunks` (`files_id`,
/// `n`, `data` as BSON binary, 255 KiB each), so `mongofiles --prefix media` and the drivers' GridFS readers
/// can read it.
///
/// A file's `_id` is derived from its tenant, message id and media index: fetching the same media again (a
/// redelivered record) finds the stored file instead of storing a second one. The file document is written
/// last, so one that exists has all its chunks.
public struct MediaStore: Sendable {
    /// GridFS's default chunk size, 255 KiB.
    public static let chunkSize = 261_120

    /// A `media.files` document.
    public struct StoredFile: Codable, Sendable, Hashable {
        public struct Metadata: Codable, Sendable, Hashable {
            public var tenant_id: String
            public var message_id: String
            public var customer_id: String?
            public var content_type: String
            /// Lowercase hexadecimal SHA-256 of the bytes.
            public var sha256: String
        }

        public var _id: String
        public var length: Int
        public var chunkSize: Int
        public var uploadDate: Date
        public var filename: String
        public var metadata: Metadata
    }

    /// A `media.chunks` document.
    struct Chunk: Codable, Sendable {
        var _id: String
        var files_id: String
        var n: Int
        var data: MongoBinary
    }

    /// What to store.
    public struct Upload: Sendable {
        public var tenantId: String
        public var messageId: String
        /// Position of the media in its message (0 for the channels' one-media messages).
        public var index: Int
        public var customerId: String?
        public var contentType: String
        public var fileName: String
        public var bytes: [UInt8]

        public init(
            tenantId: String, messageId: String, index: Int = 0, customerId: String?, contentType: String,
            fileName: String, bytes: [UInt8]
        ) {
            self.tenantId = tenantId
            self.messageId = messageId
            self.index = index
            self.customerId = customerId
            self.contentType = contentType
            self.fileName = fileName
            self.bytes = bytes
        }
    }

    let files: MongoCollection<StoredFile>
    let chunks: MongoCollection<Chunk>

    init(client: MongoClient) {
        files = client.collection("media.files")
        chunks = client.collection("media.chunks")
    }

    func createIndexes() async throws {
        // The indexes the GridFS specification asks for: drivers create them too, and find them here.
        try await chunks.createIndexes([
            MongoIndex(keys: ["files_id": 1, "n": 1], name: "files_id_1_n_1", unique: true)
        ])
        try await files.createIndexes([
            MongoIndex(keys: ["filename": 1, "uploadDate": 1], name: "filename_1_uploadDate_1")
        ])
    }

    /// The file id of a message's media: the same for every fetch of it, never the same for two tenants.
    public static func fileId(tenantId: String, messageId: String, index: Int) -> String {
        let digest = SHA256.hash(data: Data("\(tenantId)\n\(messageId)\n\(index)".utf8))
        return digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Lowercase hexadecimal SHA-256 of `bytes`.
    public static func sha256(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The stored file of this media, if one is complete.
    public func existing(tenantId: String, messageId: String, index: Int = 0) async throws -> StoredFile? {
        try await file(id: Self.fileId(tenantId: tenantId, messageId: messageId, index: index), tenantId: tenantId)
    }

    /// Stores `upload` unless it is stored already; returns the stored file either way.
    public func store(_ upload: Upload) async throws -> StoredFile {
        let id = Self.fileId(tenantId: upload.tenantId, messageId: upload.messageId, index: upload.index)
        if let stored = try await file(id: id, tenantId: upload.tenantId) { return stored }
        // Chunks of an earlier attempt that stopped before its file document: replaced, not mixed in.
        try await chunks.deleteMany(["files_id": .string(id)])
        var pieces: [Chunk] = []
        var start = 0
        while start < upload.bytes.count {
            let end = min(start + Self.chunkSize, upload.bytes.count)
            let n = pieces.count
            pieces.append(
                Chunk(_id: "\(id)-\(n)", files_id: id, n: n, data: MongoBinary(Data(upload.bytes[start..<end]))))
            start = end
        }
        _ = try await chunks.insertManyIgnoringDuplicates(pieces)
        let created = StoredFile(
            _id: id, length: upload.bytes.count, chunkSize: Self.chunkSize, uploadDate: Self.now(),
            filename: upload.fileName,
            metadata: .init(
                tenant_id: upload.tenantId, message_id: upload.messageId, customer_id: upload.customerId,
                content_type: upload.contentType, sha256: Self.sha256(upload.bytes)))
        if try await insertIfNew(created) { return created }
        // Another fetch of the same media finished first.
        guard let stored = try await file(id: id, tenantId: upload.tenantId) else {
            throw MediaStoreError(reason: "media \(id) was stored by another fetch but cannot be read")
        }
        return stored
    }

    /// Inserts `file`; false when a file with its id is stored already.
    private func insertIfNew(_ file: StoredFile) async throws -> Bool {
        do {
            try await files.insert(file)
            return true
        } catch  where error.code == .duplicateKey {
            return false
        }
    }

    /// Now, to the millisecond as the database keeps it, so a stored file compares equal to the one read back.
    static func now() -> Date {
        Date(timeIntervalSince1970: Double(Int64((Date().timeIntervalSince1970 * 1000).rounded())) / 1000)
    }

    /// The file `id` if it belongs to `tenantId`; nil for another tenant's, as for an unknown one.
    public func file(id: String, tenantId: String) async throws -> StoredFile? {
        try await files.findOne(["_id": .string(id), "metadata.tenant_id": .string(tenantId)])
    }

    /// The bytes of `file`, checked against its length and chunk count.
    public func contents(of file: StoredFile) async throws -> [UInt8] {
        let found = try await chunks.find(["files_id": .string(file._id)], sort: ["n": 1])
        var bytes: [UInt8] = []
        bytes.reserveCapacity(file.length)
        for (expected, chunk) in found.enumerated() {
            guard chunk.n == expected else {
                throw MediaStoreError(reason: "chunk \(expected) of \(file._id) is missing")
            }
            bytes += chunk.data.data
        }
        guard bytes.count == file.length else {
            throw MediaStoreError(reason: "media \(file._id) has \(bytes.count) bytes stored, not \(file.length)")
        }
        return bytes
    }
}

/// Stored media that is not whole.
public struct MediaStoreError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
