public import Foundation

/// One tenant's settings, from the tenants file. API keys live elsewhere (secrets), never here.
public struct TenantConfiguration: Sendable, Hashable, Codable {
    /// NLP settings of a tenant.
    public struct NLPSettings: Sendable, Hashable, Codable {
        /// Minimum confidence to answer. Default 0.5.
        public var confidenceThreshold: Double
        /// Intent meaning "talk to a person". Default `human_handoff`.
        public var handoverIntent: String
        /// Path of the training data (Rasa-style YAML or the JSON of `switchboard nlu`), relative to the
        /// tenants file; nlp-plugin trains from it at start. Default: none (the daemon falls back to
        /// ``DemoTrainingData``).
        public var trainingFile: String?
        /// Path of a model file written by `switchboard nlu train`, relative to the tenants file; nlp-plugin
        /// loads it instead of training. Default: none. Excludes ``trainingFile``.
        public var modelFile: String?
        /// Whether a model trained from ``trainingFile`` uses the static embeddings (`embeddings: true` or
        /// `false`). Default: only when the training data has out-of-scope (`oos`) examples.
        public var embeddings: Bool?

        /// Creates settings.
        public init(
            confidenceThreshold: Double = 0.5, handoverIntent: String = "human_handoff", trainingFile: String? = nil,
            modelFile: String? = nil, embeddings: Bool? = nil
        ) {
            self.embeddings = embeddings
            self.confidenceThreshold = confidenceThreshold
            self.handoverIntent = handoverIntent
            self.trainingFile = trainingFile
            self.modelFile = modelFile
        }

        /// The bot policy these settings describe.
        public var botPolicy: BotPolicy {
            BotPolicy(confidenceThreshold: confidenceThreshold, handoverIntent: handoverIntent)
        }

        enum CodingKeys: String, CodingKey {
            case confidenceThreshold = "confidence_threshold"
            case handoverIntent = "handover_intent"
            case trainingFile = "training_file"
            case modelFile = "model_file"
            case embeddings
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            confidenceThreshold = try container.decodeIfPresent(Double.self, forKey: .confidenceThreshold) ?? 0.5
            handoverIntent = try container.decodeIfPresent(String.self, forKey: .handoverIntent) ?? "human_handoff"
            trainingFile = try container.decodeIfPresent(String.self, forKey: .trainingFile)
            modelFile = try container.decodeIfPresent(String.self, forKey: .modelFile)
            embeddings = try container.decodeIfPresent(Bool.self, forKey: .embeddings)
        }
    }

    /// Tenant id, as in envelopes and API paths.
    public var id: String
    /// Display name. Default: the id.
    public var name: String
    /// Session idle timeout in seconds. Default 1200 (20 minutes).
    public var idleTimeoutSeconds: TimeInterval
    /// Routing rules. Default: default phrases, always open.
    public var rules: TenantRules
    /// NLP settings.
    public var nlp: NLPSettings
    /// Web chat settings. Default: the Rasa REST endpoint off.
    public var webchat: WebChatSettings
    /// Agent desk settings. Default: no per-agent limit, no assign timeout.
    public var desk: TenantDeskSettings
    /// Data protection: message retention. Default: messages are kept.
    public var privacy: TenantPrivacySettings
    /// Hand-over notifications. Default: none.
    public var notifications: TenantNotificationSettings
    /// Bot engines, intent actions and forms. Default: the built-in engine alone.
    public var bot: TenantBotSettings = TenantBotSettings()
    /// The satisfaction survey sent when a session ends. Default: none.
    public var csat: TenantCSATSettings = TenantCSATSettings()
    /// WhatsApp: the template for replies outside the customer-service window. Default none.
    public var whatsapp: TenantWhatsAppSettings = TenantWhatsAppSettings()
    /// Read receipts and typing indicators (`receipts: {read, typing}`). Default: neither.
    public var receipts: TenantReceiptSettings = TenantReceiptSettings()

    /// Creates a configuration.
    public init(
        id: String, name: String? = nil, idleTimeoutSeconds: TimeInterval = SessionPolicy.defaultIdleTimeout,
        rules: TenantRules = TenantRules(), nlp: NLPSettings = NLPSettings(),
        webchat: WebChatSettings = WebChatSettings(), desk: TenantDeskSettings = TenantDeskSettings(),
        privacy: TenantPrivacySettings = TenantPrivacySettings(),
        notifications: TenantNotificationSettings = TenantNotificationSettings()
    ) {
        self.privacy = privacy
        self.id = id
        self.name = name ?? id
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.rules = rules
        self.nlp = nlp
        self.webchat = webchat
        self.desk = desk
        self.notifications = notifications
    }

    /// The session policy for this tenant.
    public var sessionPolicy: SessionPolicy { SessionPolicy(idleTimeout: idleTimeoutSeconds) }

    /// The longest idle timeout a tenant may set: 365 days. Sessions are short-lived; and a timeout of
    /// `.inf` or 1e300 seconds would overflow the clock arithmetic of the session stage.
    public static let longestIdleTimeoutSeconds: Double = 31_536_000

    /// Checks values a decoder cannot: non-empty id, a timeout from just above 0 to 365 days, threshold in
    /// 0...1, at most one of a training file and a model file, neither empty.
    public func validate() throws(TenantConfigurationError) {
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw TenantConfigurationError("tenant id '\(id)' must be non-empty ASCII letters, digits, '-', '_' or '.'")
        }
        guard idleTimeoutSeconds > 0, idleTimeoutSeconds <= Self.longestIdleTimeoutSeconds else {
            throw TenantConfigurationError(
                "tenant '\(id)': idle_timeout_seconds must be positive and at most 31536000 (365 days)")
        }
        guard (0...1).contains(nlp.confidenceThreshold) else {
            throw TenantConfigurationError("tenant '\(id)': nlp.confidence_threshold must be between 0 and 1")
        }
        guard nlp.trainingFile == nil || nlp.modelFile == nil else {
            throw TenantConfigurationError(
                "tenant '\(id)': give nlp.training_file or nlp.model_file, not both (a model file is trained already)")
        }
        guard nlp.trainingFile?.isEmpty != true, nlp.modelFile?.isEmpty != true else {
            throw TenantConfigurationError("tenant '\(id)': nlp.training_file and nlp.model_file must not be empty")
        }
        try desk.validate(tenant: id)
        try privacy.validate(tenant: id)
        try notifications.validate(tenant: id)
        try bot.validate(tenant: id)
        try csat.validate(tenant: id)
        try whatsapp.validate(tenant: id)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, rules, nlp, webchat, desk, privacy, notifications, bot, csat, whatsapp, receipts
        case idleTimeoutSeconds = "idle_timeout_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? id
        idleTimeoutSeconds =
            try container.decodeIfPresent(TimeInterval.self, forKey: .idleTimeoutSeconds)
            ?? SessionPolicy.defaultIdleTimeout
        rules = try container.decodeIfPresent(TenantRules.self, forKey: .rules) ?? TenantRules()
        nlp = try container.decodeIfPresent(NLPSettings.self, forKey: .nlp) ?? NLPSettings()
        webchat = try container.decodeIfPresent(WebChatSettings.self, forKey: .webchat) ?? WebChatSettings()
        desk = try container.decodeIfPresent(TenantDeskSettings.self, forKey: .desk) ?? TenantDeskSettings()
        privacy = try container.decodeIfPresent(TenantPrivacySettings.self, forKey: .privacy) ?? TenantPrivacySettings()
        notifications =
            try container.decodeIfPresent(TenantNotificationSettings.self, forKey: .notifications)
            ?? TenantNotificationSettings()
        bot = try container.decodeIfPresent(TenantBotSettings.self, forKey: .bot) ?? TenantBotSettings()
        csat = try container.decodeIfPresent(TenantCSATSettings.self, forKey: .csat) ?? TenantCSATSettings()
        whatsapp =
            try container.decodeIfPresent(TenantWhatsAppSettings.self, forKey: .whatsapp) ?? TenantWhatsAppSettings()
        receipts =
            try container.decodeIfPresent(TenantReceiptSettings.self, forKey: .receipts) ?? TenantReceiptSettings()
    }
}
