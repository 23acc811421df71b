import HTTPTypes
public import Hummingbird

/// The agent desk web app at `/desk`: one HTML page, one script and one style sheet, served from the binary
/// (no build step, no CDN). The page talks only to the agent API on the same origin, signed in with the
/// HttpOnly session cookie; it writes every customer text with `textContent`, never as HTML.
///
/// Every answer carries a strict Content-Security-Policy (scripts, styles and connections from this origin
/// only, no inline script, no framing), `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`.
public enum DeskWebApp {
    /// Where the app lives.
    public static let path = "/desk"

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// Adds `/desk`, `/desk/app.js`, `/desk/app.css` and the supervisors' analytics page (`/desk/stats`,
    /// `/desk/stats.js`) to `router`.
    public static func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get(RouterPath(path)) { _, _ in response(DeskPage.html, type: "text/html; charset=utf-8") }
        router.get(RouterPath(path + "/app.js")) { _, _ in
            response(DeskPage.script, type: "text/javascript; charset=utf-8")
        }
        router.get(RouterPath(path + "/app.css")) { _, _ in
            response(DeskPage.style + DeskPage.statsStyle, type: "text/css; charset=utf-8")
        }
        router.get(RouterPath(path + "/stats")) { _, _ in response(DeskPage.statsHTML, type: "text/html; charset=utf-8")
        }
        router.get(RouterPath(path + "/stats.js")) { _, _ in
            response(DeskPage.statsScript, type: "text/javascript; charset=utf-8")
        }
    }

    static func response(_ body: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "no-cache", .contentSecurityPolicy: contentSecurityPolicy,
                HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
                HTTPField.Name("X-Frame-Options")!: "DENY",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// The web app's files.
enum DeskPage {}
