public import SwitchboardCore

/// How far the delivery of a reply sent in several parts got, so a redelivery of the same reply (the stage
/// retrying after an error, Kafka redelivering after a restart) sends only the parts not yet sent and the
/// customer does not see the earlier ones twice.
public struct DeliveryProgress: Sendable {
    /// The provider message ids of the parts already sent, by part index (0 is the first); an empty id for a
    /// part the provider took without giving one.
    public private(set) var sent: [Int: String]
    private let claim: @Sendable (_ index: Int) async throws -> String?
    private let record: @Sendable (_ index: Int, _ providerMessageId: String) async throws -> Void
    private let release: @Sendable (_ index: Int) async throws -> Void

    /// Progress that starts from `sent`, reports each further sent part to `record` (which throws when it
    /// could not keep it; the delivery then stops there), asks `claim` before each part (nil: send it; an id:
    /// it went out already, as that) and reports each part the provider did not take to `release`.
    /// (``OutboundPartFence`` provides all three.)
    public init(
        sent: [Int: String] = [:],
        record: @escaping @Sendable (_ index: Int, _ providerMessageId: String) async throws -> Void = { _, _ in },
        claim: @escaping @Sendable (_ index: Int) async throws -> String? = { _ in nil },
        release: @escaping @Sendable (_ index: Int) async throws -> Void = { _ in }
    ) {
        self.sent = sent
        self.claim = claim
        self.record = record
        self.release = release
    }

    /// Sends `parts` in order through `sendPart`, skipping those already sent, and stops at the first part
    /// that is not sent. A delivery whose parts were all sent reports the first part's provider id.
    public mutating func send<Part>(
        _ parts: [Part], _ sendPart: (Part) async throws -> DeliveryOutcome
    ) async throws -> DeliveryOutcome {
        for (index, part) in parts.enumerated() where sent[index] == nil {
            if let already = try await claim(index) {
                sent[index] = already
                continue
            }
            let outcome: DeliveryOutcome
            do {
                outcome = try await sendPart(part)
            } catch {
                // Not sent (the request could not be made): another attempt may send it.
                try? await release(index)
                throw error
            }
            guard case .sent(let id) = outcome else {
                try? await release(index)
                return outcome
            }
            sent[index] = id ?? ""
            try await record(index, id ?? "")
        }
        return .sent(providerMessageId: sent[0].flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// A channel adapter that sends long replies in parts and resumes from a ``DeliveryProgress``. The outbound
/// stage keeps the progress with the stored message and passes it back on every attempt.
public protocol ResumableDeliveryAdapter: ChannelAdapter {
    /// Sends the parts of `envelope` that `progress` does not list as sent.
    func deliver(_ envelope: Envelope, progress: DeliveryProgress) async throws -> DeliveryOutcome
}

extension ResumableDeliveryAdapter {
    /// Sends every part.
    public func deliver(_ envelope: Envelope) async throws -> DeliveryOutcome {
        try await deliver(envelope, progress: DeliveryProgress())
    }
}
