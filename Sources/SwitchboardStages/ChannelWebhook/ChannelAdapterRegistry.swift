public import SwitchboardCore

/// The adapters of one channel-webhook process, one per ``Channel``.
public struct ChannelAdapterRegistry: Sendable {
    private var adapters: [Channel: any ChannelAdapter] = [:]

    /// A registry of `adapters`; a later adapter for the same channel replaces an earlier one.
    public init(_ adapters: [any ChannelAdapter] = []) {
        for adapter in adapters { register(adapter) }
    }

    /// Adds or replaces the adapter for `adapter.channel`.
    public mutating func register(_ adapter: any ChannelAdapter) {
        adapters[adapter.channel] = adapter
    }

    /// The adapter for `channel`, if one is registered.
    public func adapter(for channel: Channel) -> (any ChannelAdapter)? {
        adapters[channel]
    }

    /// Every registered adapter, in ``Channel`` declaration order (so routes are added deterministically).
    public var all: [any ChannelAdapter] {
        Channel.allCases.compactMap { adapters[$0] }
    }
}
