import Foundation
import SwitchboardCore
import SwitchboardStages

/// Deterministic messages for the search benchmark: support phrases with common words, and words from a
/// 20,000-word vocabulary drawn with a skew (a few frequent, most rare), as real conversations are.
struct SearchCorpus {
    let messages: Int
    let tenants: Int
    let customers: Int
    /// The messages are spread evenly over the thirty days before this time (the next full hour), as a
    /// month of traffic that ends now.
    let end: Date
    static let span: TimeInterval = 30 * 86_400

    init(messages: Int, tenants: Int, customers: Int, now: Date = Date()) {
        self.messages = messages
        self.tenants = tenants
        self.customers = customers
        end = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.up) * 3600)
    }
    static let vocabulary = 20_000
    static let phrases = [
        "where is my order", "i want a refund", "the delivery is late", "please reset my password",
        "cancel my subscription", "the invoice is wrong", "can i talk to a person", "thanks for the help",
    ]
    static let channels: [Channel] = [.whatsapp, .webchat, .telegram, .messenger, .sms]

    func tenant(_ index: Int) -> String { "bench-tenant-\(index)" }

    /// A cheap deterministic mix of the index (no Foundation randomness: reruns load the same corpus).
    private static func mix(_ value: Int, _ salt: UInt64) -> UInt64 {
        var x = UInt64(truncatingIfNeeded: value) &+ salt &* 0x9E37_79B9_7F4A_7C15
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }

    /// A word of the vocabulary, skewed towards low numbers (the square of a uniform draw).
    private static func word(_ value: Int, _ salt: UInt64) -> String {
        let uniform = Double(mix(value, salt) % 1_000_000) / 1_000_000
        return "w\(Int(uniform * uniform * Double(vocabulary)))"
    }

    /// Message `index`, as the session stage stores it.
    func message(_ index: Int) -> MessageStore.StoredMessage {
        let tenantIndex = index % tenants
        let customer = "c\(Int(Self.mix(index, 1) % UInt64(customers)))"
        let phrase = Self.phrases[Int(Self.mix(index, 2) % UInt64(Self.phrases.count))]
        let words = (0..<6).map { Self.word(index, UInt64(10 + $0)) }.joined(separator: " ")
        let time = end.addingTimeInterval(-Double(messages - index) * Self.span / Double(messages))
        var envelope = Envelope(
            id: UUID(uuid: Self.uuid(index)), tenantId: tenant(tenantIndex),
            channel: Self.channels[Int(Self.mix(index, 3) % UInt64(Self.channels.count))],
            direction: index % 3 == 2 ? .outbound : .inbound, externalId: customer,
            content: .text("\(phrase) \(words) order \(index % 1000)"), receivedAt: time, traceId: "bench-\(index)")
        envelope.customerId = customer
        envelope.sessionId = "\(tenant(tenantIndex))-\(customer)-\(index / 50_000)"
        envelope.conversationId = envelope.sessionId
        if envelope.direction == .outbound, index % 2 == 0 { envelope.annotations.intent = "intent_\(index % 40)" }
        return MessageStore.StoredMessage(envelope, status: "received", at: time)
    }

    private static func uuid(_ index: Int) -> uuid_t {
        let high = mix(index, 4)
        let low = UInt64(truncatingIfNeeded: index)
        func byte(_ value: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: value >> shift) }
        return (
            byte(high, 56), byte(high, 48), byte(high, 40), byte(high, 32), byte(high, 24), byte(high, 16),
            byte(high, 8), byte(high, 0), byte(low, 56), byte(low, 48), byte(low, 40), byte(low, 32),
            byte(low, 24), byte(low, 16), byte(low, 8), byte(low, 0)
        )
    }

    enum QueryKind: String, CaseIterable {
        case rareWord = "rare-word"
        case commonWord = "common-word"
        case twoWords = "two-words"
        case phrase
        case wordAndCustomer = "word+customer"
        case wordChannelTime = "word+channel+time"
        case customerOnly = "customer-only"
        case intentOnly = "intent-only"
    }

    /// Query `index` of a kind, in the first tenant.
    func query(_ kind: QueryKind, index: Int) -> SearchQuery {
        let tenant = tenant(0)
        let rare = "w\(10_000 + Int(Self.mix(index, 20) % 10_000))"
        let customer = "c\(Int(Self.mix(index, 21) % UInt64(customers)))"
        switch kind {
        case .rareWord: return SearchQuery(tenantId: tenant, text: rare)
        case .commonWord: return SearchQuery(tenantId: tenant, text: ["refund", "order", "late"][index % 3])
        case .twoWords: return SearchQuery(tenantId: tenant, text: "refund \(rare)")
        case .phrase: return SearchQuery(tenantId: tenant, text: Self.phrases[index % Self.phrases.count])
        case .wordAndCustomer: return SearchQuery(tenantId: tenant, text: "order", customerId: customer)
        case .wordChannelTime:
            return SearchQuery(
                tenantId: tenant, text: "password", channel: "whatsapp", since: end.addingTimeInterval(-7 * 86_400),
                until: end.addingTimeInterval(-86_400))
        case .customerOnly: return SearchQuery(tenantId: tenant, text: "", customerId: customer)
        case .intentOnly: return SearchQuery(tenantId: tenant, text: "", intent: "intent_\(index % 40 / 10 * 10)")
        }
    }
}
