public import Metrics

/// The desk's sign-in metrics:
///
/// | series | meaning |
/// | --- | --- |
/// | `switchboard_desk_sign_ins_total` | sign-in attempts by `result`: `success`, `bad_credentials`, `locked`, `disabled`, `address_throttled` |
/// | `switchboard_desk_lockouts_total` | failed sign-ins that locked an account |
/// | `switchboard_desk_address_throttles_total` | failed sign-ins that blocked their client address |
/// | `switchboard_desk_sign_outs_total` | sign-outs |
public struct DeskMetrics: Sendable {
    let success: Counter
    let badCredentials: Counter
    let locked: Counter
    let disabled: Counter
    let lockouts: Counter
    let throttled: Counter
    let addressThrottles: Counter
    let signOuts: Counter

    /// - Parameter factory: Default the global `MetricsSystem.factory`; tests pass their own.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        func signIns(_ result: String) -> Counter {
            Counter(label: "switchboard_desk_sign_ins_total", dimensions: [("result", result)], factory: factory)
        }
        success = signIns("success")
        badCredentials = signIns("bad_credentials")
        locked = signIns("locked")
        disabled = signIns("disabled")
        throttled = signIns("address_throttled")
        addressThrottles = Counter(label: "switchboard_desk_address_throttles_total", dimensions: [], factory: factory)
        lockouts = Counter(label: "switchboard_desk_lockouts_total", dimensions: [], factory: factory)
        signOuts = Counter(label: "switchboard_desk_sign_outs_total", dimensions: [], factory: factory)
    }
}
