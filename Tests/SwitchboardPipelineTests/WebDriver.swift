import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchboardTestSupport

/// A small W3C WebDriver client for Debian's `chromedriver`, driving headless `chromium`: enough to sign in,
/// click, type, read the page and take a screenshot. It speaks HTTP through AsyncHTTPClient: Foundation's
/// URLSession on Linux fails on chromedriver's answers ("Failed writing header").
final class WebDriver: @unchecked Sendable {
    // @unchecked: `process` is only touched by the test's own task.
    static let driverPath = "/usr/bin/chromedriver"
    static let browserPath = "/usr/bin/chromium"
    /// Whether the browser and its driver are installed (deploy/local/setup.sh installs both).
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: driverPath)
            && FileManager.default.isExecutableFile(atPath: browserPath)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// chromedriver's log, for failures.
    static let logPath = FileManager.default.temporaryDirectory.appendingPathComponent(
        "switchboard-chromedriver-\(ProcessInfo.processInfo.processIdentifier).log")

    private let base: URL
    private var process: Process?
    private var session = ""

    /// Starts chromedriver on a free port and opens a headless browser session.
    init() async throws {
        let port = try DaemonProcesses.freePort()
        base = URL(string: "http://127.0.0.1:\(port)")!
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.driverPath)
        process.arguments = ["--port=\(port)", "--log-path=\(Self.logPath.path)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        do {
            try await openSession()
        } catch {
            // No driver outlives a failed start.
            await quit()
            throw error
        }
    }

    private func openSession() async throws {
        try await waitFor("chromedriver to answer (log: \(Self.logPath.path))", within: .seconds(20)) {
            let status = try? await self.request("GET", "status")
            return (status?.json["value"] as? [String: Any])?["ready"] as? Bool == true
        }
        let arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
        ]
        let created = try await command(
            "POST", "session",
            [
                "capabilities": [
                    "alwaysMatch": [
                        "browserName": "chrome",
                        "goog:chromeOptions": ["binary": Self.browserPath, "args": arguments],
                    ]
                ]
            ])
        guard let id = (created as? [String: Any])?["sessionId"] as? String else {
            throw Failure(description: "chromedriver opened no session: \(String(describing: created))")
        }
        session = id
    }

    /// Ends the browser session and the driver.
    func quit() async {
        if !session.isEmpty { _ = try? await command("DELETE", "session/\(session)") }
        if let process, process.isRunning {
            process.terminate()
            try? await process.ended(killingAt: ContinuousClock.now + .seconds(5))
        }
        process = nil
    }

    func open(_ url: URL) async throws {
        _ = try await command("POST", "session/\(session)/url", ["url": url.absoluteString])
    }

    /// The element matching a CSS selector.
    func element(_ selector: String) async throws -> String {
        let found = try await command(
            "POST", "session/\(session)/element", ["using": "css selector", "value": selector])
        guard let id = (found as? [String: Any])?["element-6066-11e4-a52e-4f735466cecf"] as? String else {
            throw Failure(description: "no element \(selector)")
        }
        return id
    }

    func click(_ selector: String) async throws {
        _ = try await command("POST", "session/\(session)/element/\(try await element(selector))/click", [:])
    }

    /// Types into a field, as keystrokes.
    func type(_ text: String, into selector: String) async throws {
        _ = try await command(
            "POST", "session/\(session)/element/\(try await element(selector))/value", ["text": text])
    }

    /// Runs a script in the page and returns its result.
    func run(_ script: String) async throws -> Any? {
        try await command("POST", "session/\(session)/execute/sync", ["script": script, "args": []])
    }

    /// Waits until `script` returns true in the page.
    func waitUntil(_ what: String, within limit: Duration = .seconds(20), _ script: String) async throws {
        try await waitFor(what, within: limit) { (try? await self.run(script)) as? Bool == true }
    }

    /// The page as a PNG.
    func screenshot() async throws -> Data {
        guard let text = try await command("GET", "session/\(session)/screenshot") as? String,
            let data = Data(base64Encoded: text)
        else { throw Failure(description: "no screenshot") }
        return data
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let response = try await request(method, path, body)
        guard response.status == 200 else {
            throw Failure(description: "WebDriver \(method) \(path): \(response.status) \(response.text.prefix(300))")
        }
        return response.json["value"]
    }

    private struct Answer {
        var status: Int
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private func request(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: base.appendingPathComponent(path).absoluteString)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Content-Type", value: "application/json")
        if let body {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: Int(response.status.code), body: Data(bytes.readableBytesView))
    }

    private func waitFor(_ what: String, within limit: Duration, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { throw TestTimeout(what: what) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
