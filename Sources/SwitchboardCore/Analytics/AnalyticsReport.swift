public import Foundation

/// Percentiles of a set of durations, in seconds: exact (nearest rank), computed from every value.
public struct AnalyticsDurations: Sendable, Hashable, Codable {
    public var count: Int
    public var p50: Double?
    public var p90: Double?

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        p50 = Self.percentile(0.5, of: sorted)
        p90 = Self.percentile(0.9, of: sorted)
    }

    /// The nearest-rank percentile: the smallest value with at least `p` of the values at or below it.
    static func percentile(_ p: Double, of sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// Survey answers.
public struct AnalyticsCSAT: Sendable, Hashable, Codable {
    public var responses: Int
    /// The mean score, nil without answers.
    public var average: Double?
    /// Answers per score, "1" to "5".
    public var scores: [String: Int]

    public init(_ scores: [Int]) {
        responses = scores.count
        average = scores.isEmpty ? nil : Double(scores.reduce(0, +)) / Double(scores.count)
        self.scores = Dictionary(
            uniqueKeysWithValues: (1...5).map { score in
                (String(score), scores.filter { $0 == score }.count)
            })
    }
}

/// The figures of one slice (the whole window, a day, a channel or an agent).
public struct AnalyticsFigures: Sendable, Hashable, Codable {
    /// Sessions started.
    public var conversations = 0
    public var messagesIn = 0
    public var messagesOut = 0
    /// Sessions never handed to a human.
    public var botContained = 0
    public var containmentRate: Double?
    /// Sessions handed to a human at least once.
    public var handedOver = 0
    public var handoverRate: Double?
    /// Hand-overs per reason.
    public var handoverReasons: [String: Int] = [:]
    /// The customer's first message to the first reply (bot or agent).
    public var firstResponse = AnalyticsDurations([])
    /// Hand-over requested to resolved.
    public var resolution = AnalyticsDurations([])
    /// Hand-over claimed to resolved.
    public var handleTime = AnalyticsDurations([])
    /// The first message to the last of the session.
    public var sessionDuration = AnalyticsDurations([])
    public var deliveryFailures = 0
    /// Failed deliveries per message sent.
    public var deliveryFailureRate: Double?
    public var csat = AnalyticsCSAT([])

    public init() {}

    enum CodingKeys: String, CodingKey {
        case conversations, csat, resolution
        case messagesIn = "messages_in"
        case messagesOut = "messages_out"
        case botContained = "bot_contained"
        case containmentRate = "containment_rate"
        case handedOver = "handed_over"
        case handoverRate = "handover_rate"
        case handoverReasons = "handover_reasons"
        case firstResponse = "first_response_seconds"
        case handleTime = "handle_time_seconds"
        case sessionDuration = "session_duration_seconds"
        case deliveryFailures = "delivery_failures"
        case deliveryFailureRate = "delivery_failure_rate"
    }
}

/// A tenant's analytics over a window: in total, per day (UTC), per channel and per agent. Sessions count
/// on the day and channel they started; an agent's slice holds the sessions they wrote in or resolved, their
/// messages, their hand-overs and the answers about them.
public struct AnalyticsReport: Sendable, Hashable, Codable {
    public var tenantId: String
    public var since: Date
    public var until: Date
    public var total: AnalyticsFigures
    public var byDay: [String: AnalyticsFigures]
    public var byChannel: [String: AnalyticsFigures]
    public var byAgent: [String: AnalyticsFigures]

    enum CodingKeys: String, CodingKey {
        case since, until, total
        case tenantId = "tenant_id"
        case byDay = "by_day"
        case byChannel = "by_channel"
        case byAgent = "by_agent"
    }
}
