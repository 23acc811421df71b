public import Foundation

extension AnalyticsReport {
    /// The report of `tenantId` in `since..<until` from the stored facts: records by their time, sessions by
    /// their first message.
    public init(
        tenantId: String, since: Date, until: Date, records: [AnalyticsRecordFact],
        sessions: [AnalyticsSessionFact]
    ) {
        self.tenantId = tenantId
        self.since = since
        self.until = until
        var slices = Slices()
        for record in records where record.tenantId == tenantId && record.at >= since && record.at < until {
            var keys = [Slices.Key.total, .day(Self.day(record.at))]
            if let channel = record.channel { keys.append(.channel(channel)) }
            if let agent = record.agentId { keys.append(.agent(agent)) }
            for key in keys { slices[key].count(record) }
        }
        for session in sessions where session.tenantId == tenantId {
            guard let started = session.startedAt, started >= since, started < until else { continue }
            var keys = [Slices.Key.total, .day(Self.day(started))]
            if let channel = session.channel { keys.append(.channel(channel)) }
            for key in keys { slices[key].add(session, agent: nil) }
            var agents = Set(session.agents ?? [])
            agents.formUnion((session.handovers ?? [:]).values.compactMap(\.agentId))
            if let agent = session.csatAgent { agents.insert(agent) }
            for agent in agents { slices[.agent(agent)].add(session, agent: agent) }
        }
        total = slices.figures(.total)
        byDay = slices.all { if case .day(let day) = $0 { day } else { nil } }
        byChannel = slices.all { if case .channel(let channel) = $0 { channel } else { nil } }
        byAgent = slices.all { if case .agent(let agent) = $0 { agent } else { nil } }
    }

    /// The UTC day of `date`, `yyyy-MM-dd`.
    public static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

/// The raw values of each slice while a report is built.
private struct Slices {
    enum Key: Hashable {
        case total
        case day(String)
        case channel(String)
        case agent(String)
    }

    struct Raw {
        var figures = AnalyticsFigures()
        var firstResponse: [Double] = []
        var resolution: [Double] = []
        var handle: [Double] = []
        var duration: [Double] = []
        var scores: [Int] = []

        mutating func count(_ record: AnalyticsRecordFact) {
            switch record.kind {
            case .messageIn: figures.messagesIn += 1
            case .messageOut: figures.messagesOut += 1
            case .deliveryFailed: figures.deliveryFailures += 1
            case .handover, .csat: break  // counted from the sessions
            }
        }

        /// Adds a session; for an agent's slice only that agent's hand-overs and answers.
        mutating func add(_ session: AnalyticsSessionFact, agent: String?) {
            figures.conversations += 1
            let handovers = (session.handovers ?? [:]).values.filter { $0.startedAt != nil }
            if handovers.isEmpty { figures.botContained += 1 } else { figures.handedOver += 1 }
            for handover in handovers where agent == nil || handover.agentId == agent {
                figures.handoverReasons[handover.reason ?? "unknown", default: 0] += 1
                if let started = handover.startedAt, let ended = handover.endedAt, ended >= started {
                    resolution.append(ended.timeIntervalSince(started))
                }
                if let seconds = handover.handleSeconds {
                    handle.append(seconds)
                } else if let claimed = handover.claimedAt, let ended = handover.endedAt, ended >= claimed {
                    handle.append(ended.timeIntervalSince(claimed))
                }
            }
            if let started = session.startedAt {
                if let reply = session.firstReplyAt, reply >= started {
                    firstResponse.append(reply.timeIntervalSince(started))
                }
                if let last = session.lastAt, last >= started { duration.append(last.timeIntervalSince(started)) }
            }
            if let score = session.csat, agent == nil || session.csatAgent == agent { scores.append(score) }
        }

        var final: AnalyticsFigures {
            var figures = figures
            if figures.conversations > 0 {
                figures.containmentRate = Double(figures.botContained) / Double(figures.conversations)
                figures.handoverRate = Double(figures.handedOver) / Double(figures.conversations)
            }
            if figures.messagesOut > 0 {
                figures.deliveryFailureRate = Double(figures.deliveryFailures) / Double(figures.messagesOut)
            }
            figures.firstResponse = AnalyticsDurations(firstResponse)
            figures.resolution = AnalyticsDurations(resolution)
            figures.handleTime = AnalyticsDurations(handle)
            figures.sessionDuration = AnalyticsDurations(duration)
            figures.csat = AnalyticsCSAT(scores)
            return figures
        }
    }

    private var raw: [Key: Raw] = [:]

    subscript(key: Key) -> Raw {
        get { raw[key] ?? Raw() }
        set { raw[key] = newValue }
    }

    func figures(_ key: Key) -> AnalyticsFigures { self[key].final }

    func all(_ name: (Key) -> String?) -> [String: AnalyticsFigures] {
        var result: [String: AnalyticsFigures] = [:]
        for (key, value) in raw { if let name = name(key) { result[name] = value.final } }
        return result
    }
}
