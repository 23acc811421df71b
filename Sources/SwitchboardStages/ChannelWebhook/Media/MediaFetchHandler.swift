public import Foundation
import Logging
import SwitchboardCore
public import SwitchboardRuntime

/// channel-webhook's media stage: fetches the media of inbound messages with the tenant's credentials, stores
/// it (``MediaStore``) and records the outcome on the stored message (`media_status`).
///
/// It consumes `sessioned` in a group of its own, beside the pipeline: no stage waits for it, and by then the
/// session stage has stored the message, so the outcome always has a document to go on. Transient vendor
/// failures are retried with backoff (``MediaFetchConfiguration``), then the failure is recorded; a database
/// failure fails the item, which the runner retries before its offset is committed. Every effect is idempotent:
/// a redelivered record finds its file stored and records the same outcome.
public struct MediaFetchHandler: StageHandler {
    /// The stage name, and so the consumer group (`<prefix>channel-webhook-media`).
    public static let stage = "channel-webhook-media"

    let database: SwitchboardDatabase
    let secrets: TenantSecrets
    let endpoints: MediaSource.Endpoints
    let downloader: MediaDownloader
    let retry: RetryPolicy
    let concurrency: Int
    let clock: @Sendable () -> Date

    public init(
        database: SwitchboardDatabase, secrets: TenantSecrets, endpoints: MediaSource.Endpoints,
        configuration: MediaFetchConfiguration, connections: ProviderConnectionPool, retry: RetryPolicy? = nil,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.secrets = secrets
        self.endpoints = endpoints
        self.downloader = MediaDownloader(
            http: ProviderHTTPClient(
                timeout: configuration.timeout, maxResponseBytes: 1 << 20, pool: connections),
            policy: configuration.policy)
        self.retry =
            retry
            ?? RetryPolicy(
                maxAttempts: configuration.maxAttempts, baseDelay: configuration.retryBaseDelay,
                maxDelay: configuration.retryMaxDelay)
        self.concurrency = max(1, configuration.concurrency)
        self.clock = clock
    }

    public func handle(_ batch: StageBatch) async throws -> [StageResult] {
        var results = [StageResult](repeating: .produced([]), count: batch.items.count)
        let work = batch.items.indices.filter { MediaSource.fetches(batch.items[$0].envelope) }
        var next = 0
        await withTaskGroup(of: (Int, StageResult).self) { group in
            func start() {
                guard next < work.count else { return }
                let index = work[next]
                let item = batch.items[index]
                next += 1
                group.addTask {
                    do {
                        try await handle(item)
                        return (index, .produced([]))
                    } catch {
                        item.logger.warning("Media not recorded; retrying", metadata: ["error": "\(error)"])
                        return (index, .failed(error))
                    }
                }
            }
            for _ in 0..<concurrency { start() }
            while let (index, result) = await group.next() {
                results[index] = result
                start()
            }
        }
        return results
    }

    /// Fetches, stores and records one message's media.
    func handle(_ item: StageItem) async throws {
        let envelope = item.envelope
        guard case .media(let media) = envelope.content else { return }
        let messageId = envelope.id.uuidString.lowercased()
        let status: MediaStatus
        if let stored = try await database.media.existing(tenantId: envelope.tenantId, messageId: messageId) {
            status = .stored(stored, at: clock())
        } else {
            switch await fetch(envelope, media: media) {
            case .success(let fetched):
                // Erased while the download ran: the erasure may already have cleared the customer's media.
                if let customer = envelope.customerId,
                    try await database.erasures.erasures().contains(where: {
                        $0.tenantId == envelope.tenantId && $0.customerId == customer
                    })
                {
                    return
                }
                let file = try await database.media.store(
                    MediaStore.Upload(
                        tenantId: envelope.tenantId, messageId: messageId, customerId: envelope.customerId,
                        contentType: fetched.contentType, fileName: Self.fileName(media, type: fetched.contentType),
                        bytes: fetched.bytes))
                status = .stored(file, at: clock())
                item.logger.info("Media stored", metadata: ["media_id": "\(file._id)", "bytes": "\(file.length)"])
            case .failure(let failure):
                status = .failed(failure.reason, at: clock())
                item.logger.warning("Media not fetched", metadata: ["reason": "\(failure.reason)"])
            }
        }
        if try await !database.messages.recordMedia(status, messageId: envelope.id) {
            // Erased since, or never stored: nothing to show it on.
            item.logger.info("Media outcome has no stored message to go on")
        }
    }

    /// What a successful fetch hands to the store: the checked bytes and their type.
    struct Checked: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }

    /// Fetches with retries; the bytes are checked against the type list and the vendor's checksum.
    func fetch(_ envelope: Envelope, media: Content.Media) async -> Result<Checked, MediaFetchFailure> {
        let source: MediaSource
        switch MediaSource.plan(for: envelope, media: media, secrets: secrets, endpoints: endpoints) {
        case .success(let planned): source = planned
        case .failure(let failure): return .failure(failure)
        }
        let policy = downloader.policy
        if let type = media.mimeType, MediaPolicy.normalized(type) != "application/octet-stream",
            let problem = policy.typeProblem(type)
        {
            return .failure(.permanent(problem))
        }
        return await retry.run { _ in
            let outcome = await downloader.fetch(source).flatMap { Self.check($0, declared: media.mimeType, policy) }
            switch outcome {
            case .success: return .done(outcome)
            case .failure(let failure): return failure.isRetriable ? .retry(outcome, retryAfter: nil) : .done(outcome)
            }
        }
    }

    /// The type (the vendor's declaration, else the message's, else the download's) and the checksum.
    static func check(
        _ fetched: FetchedMedia, declared: String?, _ policy: MediaPolicy
    ) -> Result<Checked, MediaFetchFailure> {
        let candidates = [fetched.declaredType, declared].compactMap { MediaPolicy.normalized($0) }
        let type =
            candidates.first { $0 != "application/octet-stream" } ?? candidates.first ?? "application/octet-stream"
        if let problem = policy.typeProblem(type) { return .failure(.permanent(problem)) }
        if let problem = policy.sizeProblem(fetched.bytes.count) { return .failure(.permanent(problem)) }
        if let expected = fetched.expectedSHA256?.lowercased(), !expected.isEmpty,
            expected != MediaStore.sha256(fetched.bytes)
        {
            return .failure(.transient("media checksum does not match the vendor's sha256"))
        }
        return .success(Checked(bytes: fetched.bytes, contentType: type))
    }

    /// The media's own file name when it has a safe one, else `media.<extension>`.
    static func fileName(_ media: Content.Media, type: String) -> String {
        if let name = media.fileName.map(MediaFileName.sanitised), !name.isEmpty { return name }
        let subtype = type.split(separator: "/").last.map(String.init) ?? "bin"
        return "media." + MediaFileName.sanitised(subtype.split(separator: "+").first.map(String.init) ?? "bin")
    }
}
