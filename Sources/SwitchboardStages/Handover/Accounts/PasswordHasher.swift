import HummingbirdBcrypt
import NIOPosix

/// Hashes and checks desk passwords. ``BcryptPasswordHasher`` is the real one.
public protocol PasswordHasher: Sendable {
    /// A new salted hash of `password`.
    func hash(_ password: String) async throws -> String
    /// Whether `password` matches `hash`.
    func verify(_ password: String, hash: String) async throws -> Bool
}

/// bcrypt through hummingbird-auth (`HummingbirdBcrypt`), on NIO's blocking thread pool: one hash at
/// cost 12 takes a quarter of a second of CPU, which must not stall Swift's cooperative pool.
///
/// Argon2id would be the first choice, but no maintained Swift package for it is available here; bcrypt
/// with cost 12 remains a standard, salted, adaptive hash.
public struct BcryptPasswordHasher: PasswordHasher {
    /// log2 of the rounds. Default 12; tests use the minimum, 4.
    public var cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
