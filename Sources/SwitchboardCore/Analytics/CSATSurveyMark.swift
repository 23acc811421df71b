/// On a message: the customer was asked the satisfaction survey about an earlier session and this is the
/// first message they wrote since. The session stage sets it; the router records a score instead of routing
/// an answer to the bot.
public struct CSATSurveyMark: Sendable, Hashable, Codable {
    /// The session the survey asked about.
    public var sessionId: String
    /// The agent who resolved it, for a survey after a hand-over.
    public var agentId: String?

    public init(sessionId: String, agentId: String? = nil) {
        self.sessionId = sessionId
        self.agentId = agentId
    }

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case agentId = "agent_id"
    }
}
