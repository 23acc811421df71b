import Foundation
import SwitchboardCore
import Testing

func utc(_ text: String) throws -> Date {
    try #require(SwitchboardJSON.parseDate(text))
}

@Suite("Routing")
struct RouterTests {
    func officeHours(_ zone: String) throws -> BusinessHours {
        let day = [try OpeningWindow(parsing: "09:00-17:00")]
        return try BusinessHours(
            timeZone: zone, windows: [.monday: day, .tuesday: day, .wednesday: day, .thursday: day, .friday: day])
    }

    @Test("office hours follow each zone's daylight saving time")
    func timeZones() throws {
        let berlin = try officeHours("Europe/Berlin")
        let newYork = try officeHours("America/New_York")
        // Monday 3 March 2025, 13:30 UTC: Berlin 14:30 CET, New York 08:30 EST.
        #expect(berlin.isOpen(at: try utc("2025-03-03T13:30:00Z")))
        #expect(!newYork.isOpen(at: try utc("2025-03-03T13:30:00Z")))
        // Monday 17 March 2025, same UTC time: New York is on EDT since 9 March → 09:30, open.
        #expect(newYork.isOpen(at: try utc("2025-03-17T13:30:00Z")))
        #expect(berlin.isOpen(at: try utc("2025-03-17T13:30:00Z")))
        // 17:00 local is closed (end exclusive): Berlin CET 16:00 UTC.
        #expect(!berlin.isOpen(at: try utc("2025-03-17T16:00:00Z")))
        #expect(berlin.isOpen(at: try utc("2025-03-17T15:59:59Z")))
        // Saturday.
        #expect(!berlin.isOpen(at: try utc("2025-03-15T10:00:00Z")))
    }

    @Test("a window crossing midnight belongs to the day it starts on")
    func acrossMidnight() throws {
        let night = try BusinessHours(
            timeZone: "Europe/Berlin",
            windows: [
                .friday: [try OpeningWindow(parsing: "22:00-06:00")],
                .sunday: [try OpeningWindow(parsing: "20:00-24:00")],
            ])
        #expect(!night.isOpen(at: try utc("2025-03-14T20:59:00Z")))  // Fri 21:59 CET
        #expect(night.isOpen(at: try utc("2025-03-14T21:00:00Z")))  // Fri 22:00
        #expect(night.isOpen(at: try utc("2025-03-14T23:30:00Z")))  // Sat 00:30
        #expect(night.isOpen(at: try utc("2025-03-15T04:59:00Z")))  // Sat 05:59
        #expect(!night.isOpen(at: try utc("2025-03-15T05:00:00Z")))  // Sat 06:00
        #expect(!night.isOpen(at: try utc("2025-03-15T21:30:00Z")))  // Sat 22:30: no Saturday window
        #expect(night.isOpen(at: try utc("2025-03-16T22:59:00Z")))  // Sun 23:59
        #expect(!night.isOpen(at: try utc("2025-03-16T23:00:00Z")))  // Mon 00:00
        #expect(!night.isOpen(at: try utc("2025-03-13T23:30:00Z")))  // Fri 00:30: Thursday has no window
    }

    @Test("bad windows and zones are configuration errors")
    func invalid() {
        for text in ["9-17", "09:00-09:00", "25:00-26:00", "09:60-10:00", "09:00"] {
            #expect(throws: TenantConfigurationError.self) { try OpeningWindow(parsing: text) }
        }
        #expect(throws: TenantConfigurationError("unknown time zone 'Mars/Olympus'")) {
            try BusinessHours(timeZone: "Mars/Olympus", windows: [:])
        }
    }

    @Test(
        "handover phrases match whole words, any case and accents",
        arguments: [
            ("Can I TALK to a person?", true),
            ("AGENT!!", true),
            ("i want a human being", true),
            ("Talk   to a   person please", true),
            ("tell me about agentic workflows", false),
            ("humanity is great", false),
            ("talk to a personal trainer", false),
            ("", false),
        ])
    func phrases(text: String, expected: Bool) {
        #expect(TenantRules().asksForHuman(text) == expected)
    }

    @Test("accented phrases match unaccented text")
    func accents() {
        let rules = TenantRules(handoverPhrases: ["persönlich beraten", "Mitarbeiter"])
        #expect(rules.asksForHuman("Ich möchte personlich beraten werden"))
        #expect(rules.asksForHuman("MITARBEITER bitte"))
    }

    @Test("routing decisions and reasons")
    func decisions() throws {
        let rules = TenantRules(businessHours: try officeHours("Europe/Berlin"), offlineReply: "We're closed.")
        let open = try utc("2025-03-17T10:00:00Z")
        let closed = try utc("2025-03-17T20:00:00Z")

        #expect(
            RoutingPolicy.route(text: "hi", owner: .bot, rules: rules, now: open)
                == RouteDecision(target: .bot, reason: .botDefault))
        #expect(
            RoutingPolicy.route(text: "agent please", owner: .bot, rules: rules, now: open)
                == RouteDecision(target: .human, reason: .customerAskedForHuman))
        #expect(
            RoutingPolicy.route(text: "agent please", owner: .bot, rules: rules, now: closed)
                == RouteDecision(target: .offlineReply, reason: .outsideBusinessHours, replyText: "We're closed."))
        #expect(
            RoutingPolicy.route(text: "hi", owner: .human(agentId: "a-1"), rules: rules, now: closed)
                == RouteDecision(target: .human, reason: .humanOwnsSession))
        #expect(RoutingPolicy.route(text: nil, owner: .human(agentId: nil), rules: rules, now: open).target == .human)
        #expect(RoutingPolicy.route(text: "agent", owner: .bot, rules: TenantRules(), now: closed).target == .human)
        #expect(RoutingPolicy.escalate(reason: .botHandover, rules: rules, now: closed).target == .offlineReply)
    }

    @Test("an envelope is routed by its caption or button title")
    func envelope() throws {
        let now = try utc("2025-03-17T10:00:00Z")
        var envelope = EnvelopeCodecTests.sample(
            content: .media(.init(reference: "m1", mimeType: "image/png", caption: "human please")))
        #expect(
            RoutingPolicy.route(envelope, owner: .bot, rules: TenantRules(), now: now).reason == .customerAskedForHuman)
        envelope.content = .location(.init(latitude: 1, longitude: 2))
        #expect(RoutingPolicy.route(envelope, owner: .bot, rules: TenantRules(), now: now).reason == .botDefault)
    }
}
