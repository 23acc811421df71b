import Foundation
import SwitchboardCore
import Testing

@Suite("Identity")
struct IdentityResolverTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)
    let t1 = Date(timeIntervalSince1970: 1_750_000_600)

    @Test(
        "phones normalise to + and digits; junk is rejected",
        arguments: [
            ("whatsapp:+49 170 1234567", "+491701234567"),
            ("+1 (555) 010-0123", "+15550100123"),
            ("0049 170 1234567", "+491701234567"),
            ("tel:+44-20-7946-0958", "+442079460958"),
        ])
    func phones(raw: String, expected: String) {
        #expect(ContactNormalizer.phone(raw) == expected)
    }

    @Test("non-phones are not phones")
    func notPhones() {
        for raw in ["hello", "+12", "abc123456789", "+1234567890123456"] {
            #expect(ContactNormalizer.phone(raw) == nil, "\(raw)")
        }
        #expect(ContactNormalizer.email("  Ada@Example.ORG ") == "ada@example.org")
        #expect(ContactNormalizer.email("not an email") == nil)
    }

    @Test("the same phone on SMS and WhatsApp resolves to one customer")
    func smsAndWhatsApp() {
        let sms = InboundIdentity(channel: .sms, externalId: "+49 170 1234567")
        guard
            case .created(let profile) = IdentityResolver.resolve(
                sms, tenantId: "demo", candidates: [], now: t0, newCustomerId: "c-1")
        else {
            Issue.record("expected a new profile")
            return
        }
        #expect(profile.phones == ["+491701234567"])
        #expect(profile.identities == [ChannelIdentity(channel: .sms, externalId: "+491701234567")])

        let whatsapp = InboundIdentity(channel: .whatsapp, externalId: "whatsapp:+491701234567", displayName: "Ada")
        let decision = IdentityResolver.resolve(
            whatsapp, tenantId: "demo", candidates: [profile], now: t1, newCustomerId: "c-2")
        guard case .existing(let merged, let match, let changed) = decision else {
            Issue.record("expected the SMS customer, got \(decision)")
            return
        }
        #expect(merged.id == "c-1")
        #expect(match == .phone)
        #expect(changed)
        #expect(merged.identities.count == 2)
        #expect(merged.displayName == "Ada")
        #expect(merged.updatedAt == t1 && merged.createdAt == t0)

        let again = IdentityResolver.resolve(
            whatsapp, tenantId: "demo", candidates: [merged], now: t1, newCustomerId: "c-3")
        #expect(again == .existing(profile: merged, matchedBy: .identity, changed: false))
    }

    @Test("an email from webchat matches an existing profile")
    func emailMatch() {
        let existing = CustomerProfile(
            id: "c-9", tenantId: "demo", identities: [ChannelIdentity(channel: .messenger, externalId: "psid-1")],
            emails: ["ada@example.org"], createdAt: t0, updatedAt: t0)
        let webchat = InboundIdentity(channel: .webchat, externalId: "visitor-7", email: "ADA@example.org")
        let decision = IdentityResolver.resolve(
            webchat, tenantId: "demo", candidates: [existing], now: t1, newCustomerId: "new")
        #expect(decision.profile.id == "c-9")
        #expect(decision.profile.identities.contains(ChannelIdentity(channel: .webchat, externalId: "visitor-7")))
    }

    @Test("no match, another tenant's profile, or a telegram id that looks numeric create a new customer")
    func created() {
        let other = CustomerProfile(
            id: "x", tenantId: "other", identities: [ChannelIdentity(channel: .telegram, externalId: "4915550100123")],
            phones: ["+4915550100123"], createdAt: t0, updatedAt: t0)
        let telegram = InboundIdentity(channel: .telegram, externalId: "4915550100123")
        #expect(telegram.phone == nil)
        let decision = IdentityResolver.resolve(
            telegram, tenantId: "demo", candidates: [other], now: t0, newCustomerId: "c-new")
        #expect(
            decision
                == .created(
                    CustomerProfile(
                        id: "c-new", tenantId: "demo", identities: [telegram.identity], createdAt: t0, updatedAt: t0)))
    }

    @Test("an identity match wins over an older phone match")
    func identityFirst() {
        let older = CustomerProfile(
            id: "old", tenantId: "demo", identities: [], phones: ["+15550100123"], createdAt: t0, updatedAt: t0)
        let owner = CustomerProfile(
            id: "owner", tenantId: "demo", identities: [ChannelIdentity(channel: .sms, externalId: "+15550100123")],
            createdAt: t1, updatedAt: t1)
        let sms = InboundIdentity(channel: .sms, externalId: "+15550100123")
        #expect(
            IdentityResolver.resolve(sms, tenantId: "demo", candidates: [older, owner], now: t1, newCustomerId: "n")
                .profile.id == "owner")
    }
}
