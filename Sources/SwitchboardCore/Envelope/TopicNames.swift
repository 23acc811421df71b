/// The Kafka topic names of the pipeline, all built from one prefix.
public struct TopicNames: Sendable, Hashable {
    /// The prefix, default `switchboard.`; tests use a unique one per run.
    public var prefix: String

    /// Creates topic names with `prefix`.
    public init(prefix: String = "switchboard.") {
        self.prefix = prefix
    }

    /// Raw messages from channel-webhook.
    public var inbound: String { prefix + "inbound" }
    /// Envelopes with a customer id.
    public var identified: String { prefix + "identified" }
    /// Envelopes with a session id.
    public var sessioned: String { prefix + "sessioned" }
    /// Envelopes routed to the bot.
    public var nlp: String { prefix + "nlp" }
    /// Envelopes routed to a human.
    public var handover: String { prefix + "handover" }
    /// Replies to send to the channel.
    public var outbound: String { prefix + "outbound" }
    /// Records no stage could process.
    public var deadletter: String { prefix + "deadletter" }
    /// ``SwitchboardEvent``s.
    public var events: String { prefix + "events" }
    /// Intent actions for consumers the business writes itself (`intent_action` events).
    public var actions: String { prefix + "actions" }
    /// Previews of replies a language model is writing (``ReplyDelta``), for web chat streams; not stored.
    public var replyDeltas: String { prefix + "reply-deltas" }

    /// Every topic, in pipeline order.
    public var all: [String] {
        [inbound, identified, sessioned, nlp, handover, outbound, deadletter, events, actions, replyDeltas]
    }
}
