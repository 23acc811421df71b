import Hummingbird

/// `GET /webchat`: a small chat page for trying the web chat API in a browser, served only when
/// ``ChannelWebhookConfiguration/demoPage`` is on. It holds no secret: the visitor types the tenant's web
/// chat key, which stays in the tab's session storage. Messages go out with `POST /api/v1/messages`;
/// replies come back on the conversation's reply stream (``WebChatStream``), with previews of replies a
/// language model is writing.
enum WebChatDemoPage {
    static func response() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Switchboard web chat</title>
        <style>
          body { font: 15px system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
          #log { border: 1px solid #ccc; border-radius: 6px; height: 24rem; overflow-y: auto; padding: .5rem; }
          .m { margin: .3rem 0; padding: .4rem .6rem; border-radius: 6px; max-width: 80%; white-space: pre-wrap; }
          .customer { background: #dcf1ff; margin-left: auto; }
          .bot, .system { background: #f1f1f1; }
          .agent { background: #e6f7e1; }
          .who { font-size: 11px; color: #666; }
          .preview { opacity: .6; }
          form { display: flex; gap: .5rem; margin-top: .5rem; }
          input[type=text], input[type=password] { flex: 1; padding: .4rem; }
          #status { font-size: 12px; color: #666; }
        </style>
        </head>
        <body>
        <h1>Switchboard web chat</h1>
        <form id="setup">
          <input id="key" type="password" placeholder="tenant web chat API key" autocomplete="off">
          <input id="user" type="text" placeholder="your user id">
          <button>Connect</button>
        </form>
        <p id="status">Not connected.</p>
        <div id="log"></div>
        <form id="send"><input id="text" type="text" placeholder="Type a message" disabled><button>Send</button></form>
        <script>
        const $ = (id) => document.getElementById(id);
        const shown = new Set();
        let stream = null;
        let settings = JSON.parse(sessionStorage.getItem("switchboard") || "{}");
        $("key").value = settings.key || "";
        $("user").value = settings.user || "visitor-" + Math.random().toString(36).slice(2, 8);
        const conversation = settings.conversation || crypto.randomUUID();

        // Previews of replies being written (reply_delta), by the message they answer: a reply replaces them.
        const previews = new Map();
        function preview(delta) {
          const entry = previews.get(delta.in_reply_to);
          if (!delta.text) { if (entry) entry.line.remove(); previews.delete(delta.in_reply_to); return; }
          if (entry && entry.sequence >= delta.sequence) return;
          const line = entry ? entry.line : document.createElement("div");
          if (!entry) { line.className = "m bot preview"; $("log").append(line); }
          line.textContent = delta.text;
          previews.set(delta.in_reply_to, { line, sequence: delta.sequence });
          $("log").scrollTop = $("log").scrollHeight;
        }

        function show(message) {
          if (message.sender !== "customer") {
            for (const entry of previews.values()) entry.line.remove();
            previews.clear();
          }
          if (message.id && shown.has(message.id)) return;
          if (message.id) shown.add(message.id);
          const line = document.createElement("div");
          line.className = "m " + message.sender;
          const who = document.createElement("div");
          who.className = "who";
          who.textContent = message.sender + (message.agent_id ? " " + message.agent_id : "");
          const text = document.createElement("div");
          text.textContent = message.text;
          line.append(who, text);
          $("log").append(line);
          $("log").scrollTop = $("log").scrollHeight;
        }

        // The stream needs the conversation's visitor token, which the first answer brings.
        function follow() {
          if (stream) stream.close();
          if (!settings.token) return;
          const path = `/api/v1/user/${encodeURIComponent(settings.user)}/messages/${encodeURIComponent(conversation)}/stream`;
          stream = new EventSource(`${path}?api_key=${encodeURIComponent(settings.key)}&visitor_token=${encodeURIComponent(settings.token)}`);
          stream.addEventListener("error", () => { $("status").textContent = "Reconnecting (is the key right?)"; });
          stream.addEventListener("message", (event) => show(JSON.parse(event.data)));
          stream.addEventListener("reply_delta", (event) => preview(JSON.parse(event.data)));
        }

        $("setup").addEventListener("submit", (event) => {
          event.preventDefault();
          const user = $("user").value.trim();
          settings = { key: $("key").value.trim(), user, conversation, token: settings.user === user ? settings.token : undefined };
          sessionStorage.setItem("switchboard", JSON.stringify(settings));
          $("status").textContent = "Connected as " + settings.user + ".";
          $("text").disabled = false;
          follow();
        });

        $("send").addEventListener("submit", async (event) => {
          event.preventDefault();
          const text = $("text").value.trim();
          if (!text) return;
          $("text").value = "";
          const response = await fetch("/api/v1/messages", {
            method: "POST",
            headers: Object.assign({ "Authorization": "Bearer " + settings.key, "Content-Type": "application/json" },
              settings.token ? { "X-Visitor-Token": settings.token } : {}),
            body: JSON.stringify({ conversation_id: conversation, user_id: settings.user, message: text, client_message_id: crypto.randomUUID() }),
          });
          const answer = await response.json().catch(() => ({}));
          if (!response.ok && response.status !== 202) { $("status").textContent = answer.error || ("HTTP " + response.status); return; }
          show({ id: answer.message_id, sender: "customer", text });
          if (answer.reply) show(answer.reply);
          if (answer.visitor_token && answer.visitor_token !== settings.token) {
            const first = !settings.token;
            settings.token = answer.visitor_token;
            sessionStorage.setItem("switchboard", JSON.stringify(settings));
            if (first) follow();
          }
        });
        </script>
        </body>
        </html>
        """
}
