import Foundation
import SwitchboardCore
import Testing

@Suite("Hand-over escalation policy")
struct HandoverEscalationTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)  // a Sunday, 15:06 UTC

    func waiting() -> HandoverRecord {
        HandoverRecord(
            id: "h", tenantId: "demo", sessionId: "s", customerId: "c", reason: .lowConfidence, createdAt: t0)
    }

    @Test("due once the assign timeout passed, only while waiting and not escalated before")
    func due() throws {
        let settings = TenantDeskSettings(assignTimeoutSeconds: 300)
        var record = waiting()
        #expect(!HandoverEscalation.isDue(record, settings: settings, at: t0.addingTimeInterval(299)))
        #expect(HandoverEscalation.isDue(record, settings: settings, at: t0.addingTimeInterval(300)))
        #expect(!HandoverEscalation.isDue(record, settings: TenantDeskSettings(), at: t0.addingTimeInterval(1e6)))
        record.escalatedAt = t0.addingTimeInterval(300)
        #expect(!HandoverEscalation.isDue(record, settings: settings, at: t0.addingTimeInterval(900)))
        var claimed = waiting()
        try claimed.claim(by: "ann", at: t0.addingTimeInterval(10))
        #expect(!HandoverEscalation.isDue(claimed, settings: settings, at: t0.addingTimeInterval(900)))
    }

    @Test("the still-waiting message while open, the offline reply while the desk is closed")
    func customerMessage() throws {
        let yaml = """
            tenants:
              - id: shop
                rules:
                  offline_reply: "We are closed."
                  business_hours:
                    time_zone: UTC
                    sunday: ["09:00-17:00"]
                desk:
                  assign_timeout_seconds: 120
                  still_waiting_message: "Hang on."
            """
        let tenant = try #require(try TenantDirectory(parsing: yaml).tenant(id: "shop"))
        #expect(tenant.desk.assignTimeoutSeconds == 120)
        #expect(HandoverEscalation.customerMessage(for: tenant, at: t0) == .stillWaiting("Hang on."))
        #expect(
            HandoverEscalation.customerMessage(for: tenant, at: t0.addingTimeInterval(3 * 3600))
                == .outOfHours("We are closed."))
    }

    @Test("desk settings out of range are refused at start-up")
    func validation() {
        for bad in ["max_conversations_per_agent: -1", "assign_timeout_seconds: -5", "still_waiting_message: \"\""] {
            let yaml = "tenants:\n  - id: shop\n    desk:\n      \(bad)\n"
            #expect(throws: TenantConfigurationError.self) { try TenantDirectory(parsing: yaml) }
        }
    }
}
