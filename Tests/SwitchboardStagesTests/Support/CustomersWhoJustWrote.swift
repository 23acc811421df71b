import Foundation
import SwitchboardCore
import SwitchboardStages

/// A consent store where nobody opted out and every customer wrote on every channel just now: the
/// customer-service window is open, for tests about something else than the window.
struct CustomersWhoJustWrote: ConsentStoring {
    func setOptedOut(_ optedOut: Bool, customerId: String, channel: Channel, messageId: String) async throws -> Bool {
        false
    }

    func optedOutChannels(customerIds: [String]) async throws -> [String: Set<Channel>] { [:] }

    func outboundFacts(customerIds: [String]) async throws -> [String: OutboundCustomerFacts] {
        let now = Date()
        let everyChannel = Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0, now) })
        return Dictionary(
            customerIds.map { ($0, OutboundCustomerFacts(lastInbound: everyChannel)) }, uniquingKeysWith: { $1 })
    }
}
