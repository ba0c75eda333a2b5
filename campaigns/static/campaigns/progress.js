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
  var socket = null;
  var attempt = 0;

  function section() {
    return document.querySelector("[data-campaign-progress]");
  }

  function setConnection(state, text) {
    var el = document.querySelector("[data-testid=progress-connection]");
    if (!el) return;
    el.dataset.state = state;
    el.textContent = text;
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

  function connect() {
    var root = section();
    if (!root || !window.WebSocket) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + location.host + "/ws/inbox/");
    } catch (e) {
      socket = null;
      retryLater();
      return;
    }
    socket.addEventListener("open", function () {
      attempt = 0;
      socket.send(JSON.stringify({ subscribe: { campaign: Number(root.dataset.campaignProgress) } }));
    });
    socket.addEventListener("message", function (raw) {
      var data;
      try {
        data = JSON.parse(raw.data);
      } catch (e) {
        return;
      }
      if (data.type === "subscribed" && data.campaign) {
        setConnection("live", gettext("Live"));
        body.dispatchEvent(new CustomEvent("campaign:refresh", { bubbles: true }));
      } else if (data.type === "event" && data.event === "campaign.progress") {
        apply(data);
      } else if (data.type === "error") {
        setConnection("offline", gettext("Not live"));
      }
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

  function retryLater() {
    setConnection("reconnecting", gettext("Reconnecting…"));
    var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    setTimeout(connect, delay);
  }

  // The fragment is swapped on refresh: the connection label lives inside it.
  body.addEventListener("htmx:afterSwap", function () {
    if (socket && socket.readyState === 1) setConnection("live", gettext("Live"));
  });
  window.addEventListener("online", function () {
    if (!socket) connect();
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
  else connect();
})();
