import Foundation

/// Turns envelopes into JSON bytes and back.
///
/// Decoding never traps: every failure is an ``EnvelopeDecodingError`` whose description a stage puts
/// into a ``DeadLetter``.
public struct EnvelopeCodec: Sendable {
    /// Creates a codec.
    public init() {}

    /// Decodes an envelope from UTF-8 JSON bytes.
    public func decode(_ bytes: some Sequence<UInt8>) throws(EnvelopeDecodingError) -> Envelope {
        let data = Data(bytes)
        do {
            return try SwitchboardJSON.makeDecoder().decode(Envelope.self, from: data)
        } catch {
            throw EnvelopeDecodingError.from(error)
        }
    }

    /// Encodes an envelope as UTF-8 JSON bytes (keys sorted, so equal envelopes give equal bytes).
    public func encode(_ envelope: Envelope) throws(EnvelopeEncodingError) -> [UInt8] {
        do {
            return Array(try SwitchboardJSON.makeEncoder().encode(envelope))
        } catch {
            throw EnvelopeEncodingError(description: "envelope could not be encoded: \(error)")
        }
    }
}

/// An envelope could not be encoded (only possible with non-finite numbers such as a NaN confidence, or a
/// date outside `Date.writable`).
public struct EnvelopeEncodingError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String
}
