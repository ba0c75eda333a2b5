/*
 * Live "now" tiles on the dashboards page.
 *
 * One websocket to /ws/inbox/ subscribed to the workspace (the same protocol as the
 * inbox page; see inbox/consumers.py). The socket only says that something changed: on
 * message.created / conversation.updated the page fires `dashboard:refresh` (debounced to
 * one per 2 s), and htmx re-fetches the tiles fragment from the server, which reads the
 * database. A (re)subscription refreshes too, so a tab that slept catches up. The
 * reconnecting socket itself is static/inbox/socket.js, loaded before this file.
 */
(function () {
  "use strict";
  var body = document.body;
  var workspace = body.dataset.dashboardWorkspace;
  if (!workspace || !window.WebSocket) return;
  var timer = null;

  function refreshSoon() {
    if (timer) return;
    timer = setTimeout(function () {
      timer = null;
      body.dispatchEvent(new CustomEvent("dashboard:refresh", { bubbles: true }));
    }, 2000);
  }

  // Backoff, refused sockets, sign-out and the connection label: static/inbox/socket.js.
  window.liveSocket({
    path: "/ws/inbox/",
    status: "[data-testid=connection-status]",
    onOpen: function (send) {
      send({ subscribe: { workspace: workspace } });
    },
    onMessage: function (data) {
      if (data.type === "subscribed") refreshSoon();
      else if (data.type === "event" && (data.event === "message.created" || data.event === "conversation.updated"))
        refreshSoon();
      else if (data.type === "events") refreshSoon(); // several changes applied at once
    },
  });
})();
