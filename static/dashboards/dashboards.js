/*
 * Live "now" tiles on the dashboards page.
 *
 * One websocket to /ws/inbox/ subscribed to the workspace (the same protocol as the
 * inbox page; see inbox/consumers.py). The socket only says that something changed: on
 * message.created / conversation.updated the page fires `dashboard:refresh` (debounced to
 * one per 2 s), and htmx re-fetches the tiles fragment from the server, which reads the
 * database. A (re)subscription refreshes too, so a tab that slept catches up.
 */
(function () {
  "use strict";
  // Strings through Django's JavaScriptCatalog (templates/base.html loads it first).
  var gettext = window.gettext || function (s) { return s; };
  var fmt = window.interpolate || function (s, o) { return s.replace(/%\((\w+)\)s/g, function (_m, k) { return o[k]; }); };

  var body = document.body;
  var workspace = body.dataset.dashboardWorkspace;
  if (!workspace || !window.WebSocket) return;
  var statusEl = document.querySelector("[data-testid=connection-status]");
  var socket = null;
  var attempt = 0;
  var timer = null;

  function setConnection(state, text) {
    if (!statusEl) return;
    statusEl.dataset.state = state;
    statusEl.textContent = text;
  }

  function refreshSoon() {
    if (timer) return;
    timer = setTimeout(function () {
      timer = null;
      body.dispatchEvent(new CustomEvent("dashboard:refresh", { bubbles: true }));
    }, 2000);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + location.host + "/ws/inbox/");
    } catch (e) {
      // A refused URL (a proxy's port, a policy) throws instead of closing: keep trying.
      socket = null;
      retryLater();
      return;
    }
    socket.addEventListener("open", function () {
      attempt = 0;
      setConnection("live", gettext("Live"));
      socket.send(JSON.stringify({ subscribe: { workspace: workspace } }));
    });
    socket.addEventListener("message", function (raw) {
      var data;
      try {
        data = JSON.parse(raw.data);
      } catch (e) {
        return;
      }
      if (data.type === "subscribed") refreshSoon();
      else if (data.type === "event" && (data.event === "message.created" || data.event === "conversation.updated"))
        refreshSoon();
      else if (data.type === "events") refreshSoon(); // several changes applied at once
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      if (event.code === 4401) {
        setConnection("offline", gettext("Signed out — reload to sign in"));
        return;
      }
      retryLater();
    });
  }

  /* Exponential backoff with jitter, as the inbox's socket does. */
  function retryLater() {
    setConnection("reconnecting", gettext("Reconnecting…"));
    var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    setTimeout(connect, delay);
  }

  connect();
})();
