public import Foundation
import SwitchboardRuntime

/// The desk's settings, from the daemon's environment.
public struct DeskSettings: Sendable, Hashable {
    /// `SWITCHBOARD_DESK_SESSION_TTL_S`: how long a sign-in lasts, 60 s to 7 days. Default 28800 (8 hours).
    public var sessionLifetime: TimeInterval
    /// `SWITCHBOARD_DESK_SECURE_COOKIE`: whether the sign-in cookie is `Secure` (sent over HTTPS only;
    /// browsers also send it to `http://localhost` and `http://127.0.0.1`). Default true.
    public var secureCookie: Bool

    public init(sessionLifetime: TimeInterval = DeskAccounts.defaultSessionLifetime, secureCookie: Bool = true) {
        self.sessionLifetime = sessionLifetime
        self.secureCookie = secureCookie
    }

    /// Reads the settings; a bad value names its variable.
    public init(environment: DaemonEnvironment) throws {
        self.init()
        if let text = environment.variables["SWITCHBOARD_DESK_SESSION_TTL_S"], !text.isEmpty {
            guard let seconds = Int(text), (60...604_800).contains(seconds) else {
                throw SettingsError(reason: "SWITCHBOARD_DESK_SESSION_TTL_S must be from 60 to 604800 seconds")
            }
            sessionLifetime = TimeInterval(seconds)
        }
        if let text = environment.variables["SWITCHBOARD_DESK_SECURE_COOKIE"], !text.isEmpty {
            guard let value = Bool(text.lowercased()) else {
                throw SettingsError(reason: "SWITCHBOARD_DESK_SECURE_COOKIE must be true or false")
            }
            secureCookie = value
        }
    }
}
