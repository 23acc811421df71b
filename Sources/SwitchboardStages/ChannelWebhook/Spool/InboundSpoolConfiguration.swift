public import Foundation
import SwitchboardRuntime

/// Settings of channel-webhook's broker-outage spool (``InboundSpool``).
public struct InboundSpoolConfiguration: Sendable {
    /// The spool's directory; nil turns the spool off (a webhook the broker does not acknowledge within
    /// `SWITCHBOARD_KAFKA_MESSAGE_TIMEOUT_MS` is answered 503). `SWITCHBOARD_SPOOL_DIR`, default none.
    public var directory: URL?
    /// How long a webhook waits for the broker's acknowledgement before its envelopes are spooled.
    /// `SWITCHBOARD_SPOOL_PUBLISH_TIMEOUT_MS`, default 2 000.
    public var publishTimeout: Duration = .seconds(2)
    /// The most bytes the spool's files may take; past it webhooks are answered 503.
    /// `SWITCHBOARD_SPOOL_MAX_BYTES`, default 268 435 456 (256 MiB).
    public var maxBytes = 256 * 1024 * 1024
    /// Size at which the spool starts a new segment file; a segment is deleted once all of it is
    /// acknowledged. Default 16 MiB or a quarter of `maxBytes`, whichever is smaller.
    public var segmentBytes: Int?
    /// How long the replay waits after the broker failed a batch before trying it again. Default 1 s.
    public var retryInterval: Duration = .seconds(1)
    /// The most Kafka records one replay batch sends. Default 500.
    public var replayBatchRecords = 500

    public init(directory: URL? = nil) {
        self.directory = directory
    }

    /// Reads the `SWITCHBOARD_SPOOL_*` variables over the defaults.
    public init(variables: [String: String]) throws {
        self.init()
        if let path = variables["SWITCHBOARD_SPOOL_DIR"], !path.isEmpty {
            directory = URL(fileURLWithPath: path, isDirectory: true)
        }
        if let text = variables["SWITCHBOARD_SPOOL_PUBLISH_TIMEOUT_MS"], !text.isEmpty {
            guard let value = Int(text), value > 0 else {
                throw SettingsError(reason: "SWITCHBOARD_SPOOL_PUBLISH_TIMEOUT_MS must be a positive whole number")
            }
            publishTimeout = .milliseconds(value)
        }
        if let text = variables["SWITCHBOARD_SPOOL_MAX_BYTES"], !text.isEmpty {
            guard let value = Int(text), value >= 4096 else {
                throw SettingsError(reason: "SWITCHBOARD_SPOOL_MAX_BYTES must be a whole number of at least 4096")
            }
            maxBytes = value
        }
    }

    /// The segment size in effect.
    var effectiveSegmentBytes: Int { segmentBytes ?? min(16 * 1024 * 1024, max(4096, maxBytes / 4)) }
}
