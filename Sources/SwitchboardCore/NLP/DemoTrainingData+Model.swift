extension DemoTrainingData {
    /// The model trained from ``yaml``, trained once per process on first use: it is the same for every
    /// tenant that uses the demo data, and training it again for each of them (and for each in-process daemon)
    /// only costs CPU.
    public static func model() throws(TenantConfigurationError) -> NLUModel {
        try trained.get()
    }

    private static let trained: Result<NLUModel, TenantConfigurationError> = {
        do throws(TenantConfigurationError) {
            return .success(try NLUModel(yaml: yaml))
        } catch {
            return .failure(error)
        }
    }()
}
