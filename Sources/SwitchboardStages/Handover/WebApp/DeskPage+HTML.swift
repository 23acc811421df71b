extension DeskPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Switchboard desk</title>
        <link rel="stylesheet" href="/desk/app.css">
        <script src="/desk/app.js" defer></script>
        </head>
        <body>
        <header class="bar">
          <h1>Switchboard desk</h1>
          <span id="who" aria-live="polite"></span>
          <span id="live" class="live" role="status" aria-live="polite">offline</span>
          <a id="stats-link" class="barlink" href="/desk/stats" hidden>Analytics</a>
          <button id="notify" type="button" hidden>Enable notifications</button>
          <button id="signout" type="button" hidden>Sign out</button>
        </header>

        <main>
        <section id="signin" aria-labelledby="signin-title" hidden>
          <h2 id="signin-title">Sign in</h2>
          <form id="signin-form">
            <label for="tenant">Tenant</label>
            <input id="tenant" name="tenant" autocomplete="organization" required>
            <label for="agent">Agent id</label>
            <input id="agent" name="agent" autocomplete="username" required>
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button>
            <p id="signin-error" class="error" role="alert"></p>
          </form>
        </section>

        <div id="desk" class="desk" hidden>
          <section id="search" class="search" aria-labelledby="search-title">
            <h2 id="search-title">Search conversations</h2>
            <form id="search-form" role="search">
              <div class="search-fields">
                <span><label for="search-q">Words</label><input id="search-q" name="q" type="search" maxlength="256"></span>
                <span><label for="search-customer">Customer id</label><input id="search-customer" name="customer" maxlength="128"></span>
                <span><label for="search-channel">Channel</label>
                  <select id="search-channel" name="channel">
                    <option value="">any</option><option>whatsapp</option><option>webchat</option>
                    <option>messenger</option><option>telegram</option><option>sms</option>
                  </select></span>
                <span><label for="search-intent">Intent</label><input id="search-intent" name="intent" maxlength="128"></span>
                <span><label for="search-state">Hand-over</label>
                  <select id="search-state" name="handover_state">
                    <option value="">any</option><option>waiting</option><option>claimed</option><option>resolved</option>
                  </select></span>
                <span><label for="search-since">From</label><input id="search-since" name="since" type="date"></span>
                <span><label for="search-until">Until</label><input id="search-until" name="until" type="date"></span>
              </div>
              <button type="submit">Search</button>
            </form>
            <p id="search-status" class="muted" role="status" aria-live="polite"></p>
            <ol id="search-results" class="results" aria-label="Search results"></ol>
          </section>
          <nav aria-label="Queues" class="queues">
            <div role="tablist" aria-label="Hand-over lists">
              <button role="tab" id="tab-waiting" data-list="waiting" aria-selected="true">Waiting
                <span id="badge" class="badge" aria-label="new hand-overs"></span></button>
              <button role="tab" id="tab-mine" data-list="mine" aria-selected="false">Mine</button>
              <button role="tab" id="tab-all" data-list="all" aria-selected="false" hidden>All claimed</button>
            </div>
            <ul id="list" class="list" aria-live="polite" aria-label="Hand-overs"></ul>
            <p id="list-empty" class="muted">Nothing here.</p>
          </nav>

          <section id="conversation" class="conversation" aria-labelledby="conv-title" hidden>
            <h2 id="conv-title">Conversation</h2>
            <p id="conv-state" class="muted"></p>
            <div class="actions">
              <button id="claim" type="button">Claim</button>
              <button id="resolve" type="button">Resolve (back to the bot)</button>
            </div>
            <details id="transfer-box">
              <summary>Transfer</summary>
              <form id="transfer-form">
                <label for="transfer-to">To agent id (empty: back to the queue)</label>
                <input id="transfer-to" name="to">
                <label for="transfer-note">Note</label>
                <input id="transfer-note" name="note" maxlength="1000">
                <button type="submit">Transfer</button>
              </form>
            </details>
            <div class="columns">
              <div>
                <h3>Messages</h3>
                <ol id="messages" class="messages" aria-live="polite" aria-label="Messages, all channels"></ol>
                <form id="reply-form">
                  <label for="reply">Reply</label>
                  <textarea id="reply" name="reply" rows="3" maxlength="4096"
                    aria-describedby="reply-hint"></textarea>
                  <p id="reply-hint" class="muted">Ctrl+Enter sends.</p>
                  <details id="reply-extras">
                    <summary>Media or buttons</summary>
                    <label for="reply-media">Media URL</label>
                    <input id="reply-media" name="media" type="url" maxlength="4096" placeholder="https://"
                      aria-describedby="reply-extras-hint">
                    <label for="reply-kind">Shown as</label>
                    <select id="reply-kind" name="kind">
                      <option value="image">Image</option>
                      <option value="document">Document</option>
                      <option value="audio">Audio</option>
                      <option value="video">Video</option>
                    </select>
                    <label for="reply-options">Buttons, one per line</label>
                    <textarea id="reply-options" name="options" rows="3" maxlength="1000"
                      aria-describedby="reply-extras-hint"></textarea>
                    <p id="reply-extras-hint" class="muted">With a media URL the reply is its caption. Buttons go
                      under the reply (WhatsApp and Messenger show 3, titles up to 20 characters); the customer's
                      choice comes back as a message.</p>
                  </details>
                  <button type="submit">Send</button>
                </form>
              </div>
              <aside aria-labelledby="profile-title">
                <h3 id="profile-title">Customer</h3>
                <dl id="profile"></dl>
                <h3>The bot understood</h3>
                <p id="understood" class="muted">nothing yet</p>
              </aside>
            </div>
            <p id="conv-error" class="error" role="alert"></p>
          </section>
        </div>
        </main>
        </body>
        </html>
        """#
}
