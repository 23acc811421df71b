import Foundation
import Logging
import SwitchboardCore
import SwitchboardMongo
import SwitchboardStages
import SwitchboardTestSupport
import Testing

/// The agent desk in a real browser (headless Chromium through chromedriver) against the six daemons.
@Suite("the agent desk in headless Chromium", .enabled(if: WebDriver.isAvailable, "needs chromium and chromium-driver"))
struct DeskBrowserTests {
    static let password = "a long desk password"

    @Test("an agent signs in, sees the hand-over appear, claims, replies to the customer, resolves; the bot is back")
    func agentDesk() async throws {
        let daemons = try DaemonProcesses(
            idleTimeoutSeconds: 600,
            extra: ["SWITCHBOARD_WEBCHAT_REPLY_WAIT_MS": "6000", "SWITCHBOARD_DESK_SECURE_COOKIE": "false"])
        try await daemons.startAll()
        defer { daemons.signalAll() }
        try await daemons.waitUntilReady()
        let database = try await SwitchboardDatabase.connect(
            configuration: MongoConfiguration(uri: try TestStack.mongoURI, database: daemons.database),
            logger: TestStack.logger("desk-browser"))
        defer { Task { try? await database.client.dropDatabase() } }
        _ = try await DeskAccounts(
            accounts: database.agentAccounts, sessions: database.agentSessions, hasher: BcryptPasswordHasher(cost: 4),
            logger: TestStack.logger("desk-browser")
        ).create(tenantId: "demo", agentId: "ann", displayName: "Ann", role: .agent, password: Self.password)

        let browser = try await WebDriver()
        do {
            try await run(browser, daemons)
            await browser.quit()
        } catch {
            await browser.quit()
            throw error
        }
    }

    private func run(_ browser: WebDriver, _ daemons: DaemonProcesses) async throws {
        let chat = WebChatClient(daemons: daemons, user: "carol")
        let hello = try await chat.send("hello")
        let conversation = hello.conversationId

        // Sign in.
        try await browser.open(daemons.url("human-handover", "/desk"))
        try await browser.waitUntil("the sign-in form", ##"return !document.getElementById("signin").hidden"##)
        try await browser.type("demo", into: "#tenant")
        try await browser.type("ann", into: "#agent")
        try await browser.type(Self.password, into: "#password")
        try await browser.click("#signin-form button[type=submit]")
        try await browser.waitUntil(
            "the desk after sign-in", ##"return !document.getElementById("desk").hidden"##)
        try await browser.waitUntil(
            "the live connection", ##"return document.getElementById("live").textContent === "live""##)
        #expect(try await browser.run("return document.cookie") as? String == "", "the session cookie is HttpOnly")

        // The customer asks for a person: the hand-over appears without a reload.
        let ask = try await chat.send("I want to talk to a human", conversation: conversation)
        #expect(ask.replySender == "system")
        try await browser.waitUntil(
            "the hand-over in the waiting list", within: .seconds(10),
            ##"return document.querySelectorAll("#list li button").length === 1"##)
        let customerMessage = try await chat.send("my parcel arrived broken", conversation: conversation)
        #expect(customerMessage.status == 202, "a person owns the conversation")

        // Open it, claim it, reply.
        try await browser.click("#list li button")
        try await browser.waitUntil(
            "the customer's messages",
            ##"return document.getElementById("messages").textContent.includes("my parcel arrived broken")"##)
        try await browser.click("#claim")
        try await browser.waitUntil("the reply box", ##"return !document.getElementById("reply").disabled"##)
        try await browser.type("Sorry about that! A new one is on its way.", into: "#reply")
        try await browser.click("#reply-form button[type=submit]")
        let reply = try await chat.waitForMessage(in: conversation, within: .seconds(30)) {
            $0["text"] as? String == "Sorry about that! A new one is on its way."
        }
        #expect(reply["sender"] as? String == "agent")
        #expect(reply["agent_id"] as? String == "ann")
        try await browser.waitUntil(
            "the reply in the conversation view",
            ##"return document.getElementById("messages").textContent.includes("A new one is on its way")"##)
        try saveScreenshot(try await browser.screenshot())

        // A reply with buttons: the customer's chat gets the choice, with its options numbered as text.
        try await browser.click("#reply-extras summary")
        try await browser.type("Which one would you like?", into: "#reply")
        try await browser.type("Same colour\nAnother colour", into: "#reply-options")
        try await browser.click("#reply-form button[type=submit]")
        let choice = try await chat.waitForMessage(in: conversation, within: .seconds(30)) {
            ($0["content"] as? [String: Any])?["type"] as? String == "choice"
        }
        #expect(choice["text"] as? String == "Which one would you like?\n1. Same colour\n2. Another colour")
        let options = (choice["content"] as? [String: Any])?["options"] as? [[String: Any]]
        #expect(options?.compactMap { $0["title"] as? String } == ["Same colour", "Another colour"])
        #expect(options?.compactMap { $0["id"] as? String } == ["Same colour", "Another colour"])

        // Resolve: the bot answers the next message.
        try await browser.click("#resolve")
        try await browser.waitUntil(
            "the resolved state", ##"return document.getElementById("resolve").disabled === true"##)
        let thanks = try await chat.send("what are your opening hours", conversation: conversation)
        #expect(thanks.replySender == "bot")
    }

    /// Saves the conversation view where CI keeps artifacts (`SWITCHBOARD_TEST_ARTIFACTS`, default
    /// `.build/test-artifacts`).
    private func saveScreenshot(_ png: Data) throws {
        let folder =
            ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_ARTIFACTS"].map { URL(fileURLWithPath: $0) }
            ?? TestStack.repositoryRoot.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try png.write(to: folder.appendingPathComponent("desk-conversation.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
    }
}
