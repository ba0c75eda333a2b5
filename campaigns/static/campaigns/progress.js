/*
 * A campaign's live progress (campaigns/_progress.html).
 *
 * One websocket to /ws/inbox/ subscribed to the campaign (the inbox's protocol, see
 * inbox/consumers.py; only the workspace's managers and admins may join). Each
 * "campaign.progress" frame (at most one a second) carries the counts, written straight
 * into the fragment. Every (re)subscription re-fetches the fragment from the server, so a
 * tab that missed frames while the socket was down shows the database's figures.
 */
(function () {
  "use strict";

  // gettext by name: makemessages (xgettext) finds only the calls it knows.
  var gettext = window.gettext || function (s) { return s; };
  var body = document.body;
  var live = null; // the shared reconnecting socket (static/inbox/socket.js)

  function section() {
    return document.querySelector("[data-campaign-progress]");
  }

  var STATUS = {
    draft: gettext("Draft"), scheduled: gettext("Scheduled"), running: gettext("Running"),
    paused: gettext("Paused"), completed: gettext("Completed"), cancelled: gettext("Cancelled"),
  };

  function apply(frame) {
    var root = section();
    if (!root || String(frame.campaign_id) !== root.dataset.campaignProgress) return;
    root.querySelectorAll("[data-count]").forEach(function (el) {
      var key = el.dataset.count;
      if (!(key in frame)) return;
      el.textContent = key === "status" ? (STATUS[frame.status] || frame.status) : String(frame[key]);
    });
    var bar = root.querySelector("[data-progress-bar]");
    if (bar) bar.value = frame.percent;
    if (frame.status !== root.dataset.campaignStatus) {
      root.dataset.campaignStatus = frame.status;
      // The page's buttons (pause, resume, cancel) follow the status: reload them.
      body.dispatchEvent(new CustomEvent("campaign:status", { bubbles: true, detail: frame.status }));
    }
  }

  /* Backoff, refused sockets, sign-out and "Reconnecting…": static/inbox/socket.js. The
   * label says "Live" only once the campaign's subscription is accepted. */
  function connect() {
    if (!section() || !window.WebSocket) return;
    live = window.liveSocket({
      path: "/ws/inbox/",
      status: "[data-testid=progress-connection]",
      liveOnOpen: false,
      onOpen: function (send) {
        var root = section();
        if (root) send({ subscribe: { campaign: Number(root.dataset.campaignProgress) } });
      },
      onMessage: function (data) {
        if (data.type === "subscribed" && data.campaign) {
          live.setStatus("live", gettext("Live"));
          body.dispatchEvent(new CustomEvent("campaign:refresh", { bubbles: true }));
        } else if (data.type === "event" && data.event === "campaign.progress") {
          apply(data);
        } else if (data.type === "error") {
          live.setStatus("offline", gettext("Not live"));
        }
      },
    });
  }

  // The fragment is swapped on refresh: the connection label lives inside it.
  body.addEventListener("htmx:afterSwap", function () {
    if (live && live.isOpen()) live.setStatus("live", gettext("Live"));
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
  else connect();
})();
