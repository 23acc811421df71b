extension DeskPage {
    /// The supervisors' analytics page at `/desk/stats`: figures of the tenant from the analytics API, with
    /// charts drawn as plain SVG by `stats.js` (no library, no CDN).
    static let statsHTML = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Switchboard analytics</title>
        <link rel="stylesheet" href="/desk/app.css">
        <script src="/desk/stats.js" defer></script>
        </head>
        <body>
        <header class="bar">
          <h1>Switchboard analytics</h1>
          <span id="who" aria-live="polite"></span>
          <a class="barlink" href="/desk">Desk</a>
        </header>
        <main>
          <form id="window-form" class="window">
            <label for="since">Since</label>
            <select id="since" name="since">
              <option value="24h">24 hours</option>
              <option value="7d" selected>7 days</option>
              <option value="30d">30 days</option>
              <option value="90d">90 days</option>
            </select>
          </form>
          <p id="stats-error" class="error" role="alert"></p>
          <section aria-labelledby="totals-title">
            <h2 id="totals-title">Totals</h2>
            <dl id="totals" class="tiles"></dl>
          </section>
          <section aria-labelledby="days-title">
            <h2 id="days-title">Conversations per day</h2>
            <p class="muted">Dark: the bot alone. Light: handed to a person.</p>
            <div id="days-chart" class="chart"></div>
          </section>
          <section aria-labelledby="csat-title">
            <h2 id="csat-title">Satisfaction answers</h2>
            <div id="csat-chart" class="chart"></div>
          </section>
          <section aria-labelledby="reasons-title">
            <h2 id="reasons-title">Hand-over reasons</h2>
            <div id="reasons-chart" class="chart"></div>
          </section>
          <section aria-labelledby="slices-title">
            <h2 id="slices-title">Per channel and per agent</h2>
            <table id="slices" class="slices"></table>
          </section>
        </main>
        </body>
        </html>
        """#

    static let statsScript = #"""
        "use strict";
        const api = "/api/v1/agent";
        const svgNS = "http://www.w3.org/2000/svg";
        const $ = (id) => document.getElementById(id);

        function el(tag, className, text) {
          const node = document.createElement(tag);
          if (className) node.className = className;
          if (text !== undefined && text !== null) node.textContent = String(text);
          return node;
        }

        function svg(tag, attributes) {
          const node = document.createElementNS(svgNS, tag);
          for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
          return node;
        }

        async function get(path) {
          const response = await fetch(path, { headers: { "Accept": "application/json" }, credentials: "same-origin" });
          const data = await response.json().catch(() => ({}));
          if (!response.ok) throw new Error(data.error || response.statusText);
          return data;
        }

        const percent = (rate) => rate === null || rate === undefined ? "-" : (rate * 100).toFixed(1) + " %";
        const seconds = (value) => value === null || value === undefined ? "-" : value.toFixed(1) + " s";
        const pair = (d) => d && d.count ? seconds(d.p50) + " / " + seconds(d.p90) : "-";

        /// Bars with a label under each and the value above; `parts` stacks values per bar.
        function bars(container, labels, parts, title) {
          container.replaceChildren();
          const width = Math.max(320, labels.length * 56 + 40), height = 200, base = 170;
          const chart = svg("svg", { viewBox: "0 0 " + width + " " + height, width, height, role: "img" });
          chart.appendChild(svg("title")).textContent = title;
          const totals = labels.map((_, i) => parts.reduce((sum, part) => sum + part.values[i], 0));
          const top = Math.max(1, ...totals);
          labels.forEach((label, i) => {
            let y = base;
            const x = 30 + i * 56;
            for (const part of parts) {
              const h = Math.round((part.values[i] / top) * 140);
              if (h > 0) {
                const rect = chart.appendChild(svg("rect", { x, y: y - h, width: 40, height: h, class: part.className }));
                rect.appendChild(svg("title")).textContent = label + ": " + part.values[i] + " " + part.name;
              }
              y -= h;
            }
            chart.appendChild(svg("text", { x: x + 20, y: y - 4, "text-anchor": "middle", class: "value" }))
              .textContent = totals[i];
            chart.appendChild(svg("text", { x: x + 20, y: base + 16, "text-anchor": "middle", class: "label" }))
              .textContent = label;
          });
          chart.appendChild(svg("line", { x1: 20, y1: base, x2: width - 10, y2: base, class: "axis" }));
          container.appendChild(chart);
          if (!labels.length) container.appendChild(el("p", "muted", "Nothing in this window."));
        }

        function tiles(total) {
          const rows = [
            ["Conversations", total.conversations], ["Messages in / out", total.messages_in + " / " + total.messages_out],
            ["Bot containment", percent(total.containment_rate)], ["Hand-over rate", percent(total.handover_rate)],
            ["First response p50 / p90", pair(total.first_response_seconds)],
            ["Resolution p50 / p90", pair(total.resolution)], ["Handle time p50 / p90", pair(total.handle_time_seconds)],
            ["Session duration p50 / p90", pair(total.session_duration_seconds)],
            ["Delivery failures", percent(total.delivery_failure_rate)],
            ["CSAT", total.csat.responses ? total.csat.average.toFixed(2) + " (" + total.csat.responses + ")" : "-"],
          ];
          $("totals").replaceChildren(...rows.flatMap(([name, value]) => {
            const box = el("div", "tile");
            box.append(el("dt", null, name), el("dd", null, value));
            return [box];
          }));
        }

        function slices(report) {
          const head = el("tr");
          for (const name of ["", "Conversations", "In", "Out", "Bot %", "Hand-over %", "First response", "Handle time",
            "CSAT"]) head.appendChild(el("th", null, name));
          const rows = [head];
          const add = (kind, entries) => entries.sort((a, b) => a[0].localeCompare(b[0])).forEach(([name, f]) => {
            const row = el("tr");
            row.appendChild(el("th", null, kind + " " + name));
            for (const value of [f.conversations, f.messages_in, f.messages_out, percent(f.containment_rate),
              percent(f.handover_rate), pair(f.first_response_seconds), pair(f.handle_time_seconds),
              f.csat.responses ? f.csat.average.toFixed(2) : "-"]) row.appendChild(el("td", null, value));
            rows.push(row);
          });
          add("channel", Object.entries(report.by_channel));
          add("agent", Object.entries(report.by_agent));
          $("slices").replaceChildren(...rows);
        }

        async function load() {
          $("stats-error").textContent = "";
          try {
            const report = await get(api + "/analytics?since=" + encodeURIComponent($("since").value));
            tiles(report.total);
            const days = Object.keys(report.by_day).sort();
            bars($("days-chart"), days.map((d) => d.slice(5)), [
              { name: "by the bot", className: "bot", values: days.map((d) => report.by_day[d].bot_contained) },
              { name: "handed over", className: "human", values: days.map((d) => report.by_day[d].handed_over) },
            ], "Conversations per day");
            const scores = ["1", "2", "3", "4", "5"];
            bars($("csat-chart"), scores, [
              { name: "answers", className: "bot", values: scores.map((s) => report.total.csat.scores[s] || 0) },
            ], "Satisfaction answers per score");
            const reasons = Object.keys(report.total.handover_reasons).sort();
            bars($("reasons-chart"), reasons.map((r) => r.replaceAll("_", " ").slice(0, 9)), [
              { name: "hand-overs", className: "human", values: reasons.map((r) => report.total.handover_reasons[r]) },
            ], "Hand-overs per reason");
            slices(report);
          } catch (error) {
            $("stats-error").textContent = error.message;
          }
        }

        async function start() {
          try {
            const me = await get(api + "/session");
            $("who").textContent = (me.display_name || me.agent_id) + " · " + me.role + " · " + me.tenant_id;
            if (me.role !== "supervisor") { $("stats-error").textContent = "Analytics are for supervisors."; return; }
          } catch (error) {
            window.location.href = "/desk";
            return;
          }
          $("since").addEventListener("change", load);
          await load();
        }

        start();
        """#

    /// What the analytics page adds to the desk's style sheet.
    static let statsStyle = #"""
        .barlink { color: #fff; }
        .window { display: flex; gap: .5rem; align-items: center; }
        .window label { margin: 0; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: .5rem; }
        .tile { border: 1px solid #ccc; border-radius: 6px; padding: .5rem; }
        .tile dd { font-size: 1.2rem; }
        .chart svg { max-width: 100%; height: auto; }
        .chart rect.bot { fill: #22313f; }
        .chart rect.human { fill: #7fb3d5; }
        .chart .axis { stroke: #888; }
        .chart text { font-size: 11px; fill: #1d1d1f; }
        .slices { border-collapse: collapse; }
        .slices th, .slices td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: right; }
        .slices th:first-child { text-align: left; }
        """#
}
