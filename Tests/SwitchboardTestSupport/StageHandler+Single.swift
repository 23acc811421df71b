public import SwitchboardCore
public import SwitchboardRuntime

extension StageHandler {
    /// Handles one envelope as a batch of one (for tests of a stage's decisions): its outputs, a thrown
    /// ``StageFailure`` when rejected, or the transient error.
    public func handle(_ envelope: Envelope, context: StageContext) async throws -> [StageOutput] {
        let batch = StageBatch(
            envelopes: [envelope], topic: context.topic, partition: context.partition, firstOffset: context.offset,
            generation: 0, topics: context.topics, logger: context.logger)
        switch try await handle(batch).first {
        case .produced(let outputs): return outputs
        case .rejected(let reason): throw StageFailure.permanent(reason)
        case .failed(let error): throw error
        case nil: return []
        }
    }
}
