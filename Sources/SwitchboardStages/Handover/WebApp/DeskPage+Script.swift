extension DeskPage {
    /// Every text from the API goes into the page with `textContent` (or `text()` below), never `innerHTML`.
    static let script = #"""
        "use strict";
        const api = "/api/v1/agent";
        const state = { me: null, list: "waiting", open: null, record: null, unread: 0, source: null, lists: {} };
        const $ = (id) => document.getElementById(id);

        function el(tag, className, text) {
          const node = document.createElement(tag);
          if (className) node.className = className;
          if (text !== undefined && text !== null) node.textContent = String(text);
          return node;
        }

        async function call(method, path, body) {
          const options = { method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
          if (method !== "GET") {
            options.headers["Content-Type"] = "application/json";
            options.headers["X-Desk-Request"] = "1";
            options.body = JSON.stringify(body || {});
          }
          const response = await fetch(path, options);
          const text = await response.text();
          const data = text ? JSON.parse(text) : {};
          if (response.status === 401 && path !== api + "/session") { showSignIn(); }
          if (!response.ok) throw new Error(data.error || response.statusText);
          return data;
        }

        function waited(since) {
          const seconds = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
          if (seconds < 60) return seconds + " s";
          if (seconds < 3600) return Math.floor(seconds / 60) + " min";
          return Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min";
        }

        function showSignIn() {
          state.me = null;
          if (state.source) { state.source.close(); state.source = null; }
          $("desk").hidden = true; $("signout").hidden = true; $("signin").hidden = false;
          $("who").textContent = ""; $("live").textContent = "offline";
          $("tenant").focus();
        }

        async function start() {
          try { state.me = await call("GET", api + "/session"); } catch (e) { showSignIn(); return; }
          $("signin").hidden = true; $("desk").hidden = false; $("signout").hidden = false;
          $("who").textContent = (state.me.display_name || state.me.agent_id) + " · " + state.me.role
            + " · " + state.me.tenant_id;
          $("tab-all").hidden = state.me.role !== "supervisor";
          $("stats-link").hidden = state.me.role !== "supervisor";
          $("notify").hidden = !("Notification" in window) || Notification.permission !== "default";
          connect();
          await refresh();
        }

        function connect() {
          if (state.source) state.source.close();
          const source = new EventSource(api + "/events");
          state.source = source;
          source.onopen = () => { $("live").textContent = "live"; };
          source.onerror = () => { $("live").textContent = "reconnecting…"; };
          source.addEventListener("resync", () => refresh());
          for (const type of ["handover_started", "handover_claimed", "handover_transferred",
                              "handover_returned_to_queue", "handover_ended", "handover_escalated",
                              "handover_customer_message"]) {
            source.addEventListener(type, (message) => onEvent(type, JSON.parse(message.data)));
          }
        }

        function onEvent(type, event) {
          const id = event.details && event.details.handover_id;
          if (type === "handover_started" || type === "handover_escalated") {
            if (state.list !== "waiting" || document.hidden) { state.unread += 1; }
            showBadge();
            notify(type === "handover_started" ? "New hand-over" : "A hand-over is waiting too long", event);
          }
          refresh();
          if (state.open && state.open === id) openConversation(id, false);
        }

        function showBadge() {
          $("badge").textContent = state.unread > 0 ? String(state.unread) : "";
          document.title = (state.unread > 0 ? "(" + state.unread + ") " : "") + "Switchboard desk";
        }

        function notify(title, event) {
          if (!("Notification" in window) || Notification.permission !== "granted") return;
          new Notification(title, { body: "Customer " + (event.customer_id || ""), tag: event.details.handover_id });
        }

        async function refresh() {
          const lists = { waiting: "waiting", mine: "claimed", all: "claimed" };
          try {
            const data = await call("GET", api + "/handovers?status=" + lists[state.list]);
            let items = data.handovers;
            if (state.list === "mine") items = items.filter((h) => h.agent_id === state.me.agent_id);
            state.lists[state.list] = items;
            renderList(items);
          } catch (e) { $("list-empty").textContent = e.message; }
        }

        function renderList(items) {
          const list = $("list");
          list.replaceChildren();
          $("list-empty").hidden = items.length > 0;
          $("list-empty").textContent = "Nothing here.";
          for (const h of items) {
            const item = el("li");
            const button = el("button");
            button.type = "button";
            button.dataset.id = h.id;
            if (state.open === h.id) button.setAttribute("aria-current", "true");
            button.append(el("strong", null, h.customer_id));
            button.append(el("span", "meta", h.reason.replaceAll("_", " ") + (h.agent_id ? " · " + h.agent_id : "")
              + (h.escalated_at ? " · escalated" : "")));
            button.append(el("span", "meta wait", h.status === "claimed" && h.claimed_at
              ? "waited " + Math.round(h.wait_seconds || 0) + " s · claimed " + waited(h.claimed_at) + " ago"
              : "waiting " + waited(h.created_at)));
            if (h.last_customer_message) button.append(el("span", "meta", "“" + h.last_customer_message + "”"));
            button.addEventListener("click", () => openConversation(h.id, true));
            item.append(button);
            list.append(item);
          }
        }

        function current() {
          for (const items of Object.values(state.lists)) {
            const found = (items || []).find((h) => h.id === state.open);
            if (found) return found;
          }
          return state.record && state.record.id === state.open ? state.record : null;
        }

        async function openConversation(id, focus) {
          if (state.open !== id) state.record = null;
          state.open = id;
          $("conversation").hidden = false;
          $("conv-error").textContent = "";
          try {
            const customer = await call("GET", api + "/handovers/" + encodeURIComponent(id) + "/customer");
            renderCustomer(customer);
            const h = current();
            $("conv-title").textContent = "Conversation with " + (customer.display_name || customer.customer_id);
            $("conv-state").textContent = h ? (h.status + (h.agent_id ? " by " + h.agent_id : "")
              + (h.note ? " · note: " + h.note : "")) : "";
            const open = !h || h.status !== "resolved";
            const mine = !!h && h.status === "claimed" && h.agent_id === state.me.agent_id;
            $("claim").disabled = !h || h.status !== "waiting";
            $("resolve").disabled = !open || !(mine || state.me.role === "supervisor");
            $("reply").disabled = !mine;
            if (focus) $("conv-title").focus();
          } catch (e) { $("conv-error").textContent = e.message; }
          renderList(state.lists[state.list] || []);
        }

        // Stored media from the authenticated media URL (the sign-in cookie goes with it): images inline, other
        // types as a download link; media that could not be fetched says why.
        function mediaNode(media) {
          const type = media.mime_type || "";
          if (media.state === "stored" && media.url) {
            if (type.startsWith("image/") && type !== "image/svg+xml") {
              const image = el("img", "media");
              image.src = media.url;
              image.alt = media.file_name || "image";
              return image;
            }
            const link = el("a", "media", "Download " + (media.file_name || type || "media"));
            link.href = media.url;
            link.download = media.file_name || "";
            return link;
          }
          if (media.state === "failed") return el("span", "media-failed", "media unavailable: " + (media.reason || "unknown"));
          return el("span", "meta", "media pending");
        }

        function renderCustomer(customer) {
          const messages = $("messages");
          messages.replaceChildren();
          let understood = null;
          for (const m of customer.messages) {
            const item = el("li", m.sender);
            item.append(el("span", "meta", m.sender + (m.agent_id ? " " + m.agent_id : "") + " · " + m.channel
              + " · " + new Date(m.created_at).toLocaleString()));
            item.append(el("span", null, m.text === null || m.text === undefined ? "(" + (m.content_type || "no text") + ")" : m.text));
            if (m.media) item.append(mediaNode(m.media));
            if (m.intent) {
              understood = m;
              item.append(el("span", "meta", "intent " + m.intent + (m.confidence !== undefined && m.confidence !== null
                ? " (" + Math.round(m.confidence * 100) + "%)" : "")));
            }
            messages.append(item);
          }
          messages.scrollTop = messages.scrollHeight;
          $("understood").textContent = understood
            ? understood.intent + (understood.confidence !== undefined && understood.confidence !== null
              ? ", confidence " + Math.round(understood.confidence * 100) + "%" : "") : "nothing yet";
          const profile = $("profile");
          profile.replaceChildren();
          const rows = [["Customer id", customer.customer_id], ["Name", customer.display_name],
            ["Channels", customer.identities.map((i) => i.channel + " " + i.address).join(", ")],
            ["Phones", customer.phones.join(", ")], ["Emails", customer.emails.join(", ")],
            ["Opted out", (customer.opted_out || []).map((c) => c + " (nothing is sent there)").join(", ")],
            ["WhatsApp window", whatsAppWindow(customer.whatsapp_window_closes_at)]];
          for (const [label, value] of rows) {
            if (!value) continue;
            profile.append(el("dt", null, label));
            profile.append(el("dd", null, value));
          }
        }

        // Outside WhatsApp's 24-hour window a reply goes out only as the tenant's template, or not at all.
        function whatsAppWindow(closesAt) {
          if (!closesAt) return null;
          const closes = new Date(closesAt);
          return closes > new Date()
            ? "open until " + closes.toLocaleString()
            : "closed since " + closes.toLocaleString() + " (replies go out as the template, or are refused)";
        }

        // The reply as the conversation view shows it until the stored copy replaces it.
        function replySummary(content) {
          if (content.type === "media") return content.caption || content.reference;
          return content.text + " [" + content.options.map((option) => option.title).join(" | ") + "]";
        }

        // The reply box's content: media with the text as its caption, text with buttons, or text alone.
        function replyBody(text) {
          const media = $("reply-media").value.trim();
          const options = $("reply-options").value.split("\n").map((line) => line.trim()).filter(Boolean);
          if (media) {
            const content = { type: "media", reference: media, kind: $("reply-kind").value };
            if (text.trim()) content.caption = text;
            return { content };
          }
          if (!text.trim()) return null;
          if (options.length) {
            return { content: { type: "choice", text, options: options.map((title) => ({ id: title, title })) } };
          }
          return { text };
        }

        async function act(path, body) {
          $("conv-error").textContent = "";
          try {
            const result = await call("POST", api + "/handovers/" + encodeURIComponent(state.open) + "/" + path, body);
            if (result.id === state.open) state.record = result;
            if (path === "reply") {
              // Shown at once; the stored copy replaces it when the conversation is read again.
              const item = el("li", "agent");
              item.append(el("span", "meta", "you · sending"));
              item.append(el("span", null, body.text ?? replySummary(body.content)));
              $("messages").append(item);
              return;
            }
            await refresh();
            if (path === "claim") { state.list = "mine"; selectTab("mine"); await refresh(); }
            await openConversation(state.open, false);
          } catch (e) { $("conv-error").textContent = e.message; }
        }

        function selectTab(name) {
          state.list = name;
          for (const tab of document.querySelectorAll("[role=tab]")) {
            tab.setAttribute("aria-selected", String(tab.dataset.list === name));
          }
          if (name === "waiting") { state.unread = 0; showBadge(); }
        }

        document.addEventListener("DOMContentLoaded", () => {
          $("signin-form").addEventListener("submit", async (event) => {
            event.preventDefault();
            $("signin-error").textContent = "";
            try {
              await call("POST", api + "/session", { tenant_id: $("tenant").value.trim(),
                agent_id: $("agent").value.trim(), password: $("password").value, cookie: true });
              $("password").value = "";
              await start();
            } catch (e) { $("signin-error").textContent = e.message; }
          });
          $("signout").addEventListener("click", async () => {
            try { await call("DELETE", api + "/session"); } finally { showSignIn(); }
          });
          $("notify").addEventListener("click", async () => {
            await Notification.requestPermission();
            $("notify").hidden = Notification.permission !== "default";
          });
          for (const tab of document.querySelectorAll("[role=tab]")) {
            tab.addEventListener("click", () => { selectTab(tab.dataset.list); refresh(); });
          }
          $("claim").addEventListener("click", () => act("claim", {}));
          $("resolve").addEventListener("click", () => act("resolve", {}));
          $("transfer-form").addEventListener("submit", (event) => {
            event.preventDefault();
            const to = $("transfer-to").value.trim();
            act("transfer", { to_agent_id: to || null, note: $("transfer-note").value });
            $("transfer-to").value = ""; $("transfer-note").value = "";
          });
          $("reply-form").addEventListener("submit", async (event) => {
            event.preventDefault();
            const body = replyBody($("reply").value);
            if (!body) return;
            body.client_message_id = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()));
            await act("reply", body);
            if (!$("conv-error").textContent) {
              for (const id of ["reply", "reply-media", "reply-options"]) $(id).value = "";
            }
          });
          // The customer sees that the agent is typing; the server lets one through per 5 s, the page asks
          // at most as often, and never for a conversation it does not hold.
          $("reply").addEventListener("input", () => {
            const h = current();
            if (!h || h.status !== "claimed" || !state.me || h.agent_id !== state.me.agent_id) return;
            if (state.typedAt && Date.now() - state.typedAt < 5000 && state.typedFor === h.id) return;
            state.typedAt = Date.now(); state.typedFor = h.id;
            call("POST", api + "/handovers/" + encodeURIComponent(h.id) + "/typing", {}).catch(() => {});
          });
          $("reply").addEventListener("keydown", (event) => {
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("reply-form").requestSubmit();
          });
          document.addEventListener("visibilitychange", () => {
            if (!document.hidden && state.list === "waiting") { state.unread = 0; showBadge(); }
          });
          $("conv-title").tabIndex = -1;
          // Wait times move on without a reload.
          setInterval(() => renderList(state.lists[state.list] || []), 15000);
          $("search-form").addEventListener("submit", search);
          start();
        });
                // Search: each result's snippet is built from text nodes and <mark> elements, never from markup.
        async function search(event) {
          event.preventDefault();
          const params = new URLSearchParams();
          for (const [name, id] of [["q", "search-q"], ["customer", "search-customer"], ["channel", "search-channel"],
                                    ["intent", "search-intent"], ["handover_state", "search-state"]]) {
            const value = $(id).value.trim();
            if (value) params.set(name, value);
          }
          if ($("search-since").value) params.set("since", $("search-since").value + "T00:00:00Z");
          if ($("search-until").value) params.set("until", $("search-until").value + "T23:59:59Z");
          const results = $("search-results");
          results.replaceChildren();
          $("search-status").textContent = "Searching…";
          try {
            const data = await call("GET", api + "/search?" + params.toString());
            $("search-status").textContent = data.results.length
              ? data.results.length + " found" : "Nothing found.";
            for (const hit of data.results) {
              const item = el("li");
              item.append(el("span", "meta", new Date(hit.created_at).toLocaleString() + " · " + hit.channel
                + " · " + (hit.direction === "inbound" ? "customer " : "to customer ") + (hit.customer_id || "-")
                + (hit.intent ? " · " + hit.intent : "")));
              const snippet = el("span");
              for (const segment of hit.snippet.segments) {
                snippet.append(segment.match ? el("mark", null, segment.text) : document.createTextNode(segment.text));
              }
              item.append(snippet);
              results.append(item);
            }
          } catch (e) {
            $("search-status").textContent = e.message;
          }
        }
        """#
}
