public import Logging
public import SwitchboardMongo

/// The collections Switchboard keeps, with the indexes their queries use, created at start-up.
public struct SwitchboardDatabase: Sendable {
    public let client: MongoClient
    public let profiles: ProfileStore
    public let sessions: SessionStore
    public let messages: MessageStore
    public let handovers: HandoverStore
    public let agentAccounts: AgentAccountStore
    public let agentSessions: AgentSessionStore
    public let erasures: ErasureStore
    public let notifications: NotificationStore
    public let analytics: AnalyticsStore
    public let surveys: CSATSurveyStore
    /// Inbound media, in GridFS layout.
    public let media: MediaStore

    public init(client: MongoClient) {
        self.client = client
        profiles = ProfileStore(client: client)
        sessions = SessionStore(client: client)
        messages = MessageStore(client: client)
        handovers = HandoverStore(client: client)
        agentAccounts = AgentAccountStore(client: client)
        agentSessions = AgentSessionStore(client: client)
        erasures = ErasureStore(client: client)
        notifications = NotificationStore(client: client)
        analytics = AnalyticsStore(client: client)
        surveys = CSATSurveyStore(client: client)
        media = MediaStore(client: client)
    }

    /// Connects and creates every index (creating an existing index is a no-op).
    public static func connect(configuration: MongoConfiguration, logger: Logger) async throws -> SwitchboardDatabase {
        let database = SwitchboardDatabase(client: try MongoClient(configuration: configuration, logger: logger))
        try await database.createIndexes()
        return database
    }

    public func createIndexes() async throws {
        try await profiles.createIndexes()
        try await sessions.createIndexes()
        try await messages.createIndexes()
        try await handovers.createIndexes()
        try await agentAccounts.createIndexes()
        try await agentSessions.createIndexes()
        try await notifications.createIndexes()
        try await analytics.createIndexes()
        try await media.createIndexes()
    }

    /// Whether the database answers: for `/health/ready`.
    public func isReachable() async -> Bool {
        do {
            try await client.ping()
            return true
        } catch {
            return false
        }
    }
}
