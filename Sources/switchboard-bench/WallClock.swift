import Foundation

/// Maps monotonic instants to wall-clock dates, so a send timed with `ContinuousClock` can be compared with
/// a reply's `created_at` written by another process.
struct WallClock: Sendable {
    let clock = ContinuousClock()
    let origin: ContinuousClock.Instant
    let originDate: Date

    init() {
        origin = clock.now
        originDate = Date()
    }

    var now: ContinuousClock.Instant { clock.now }

    func date(_ instant: ContinuousClock.Instant) -> Date {
        originDate.addingTimeInterval(Self.seconds(instant - origin))
    }

    static func seconds(_ duration: Duration) -> Double {
        duration / .seconds(1)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        duration / .milliseconds(1)
    }
}
