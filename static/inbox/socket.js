/*
 * The reconnecting websocket the live pages share (the inbox, the dashboards' "now" tiles,
 * a campaign's progress). One place for what they must all get right:
 *  - exponential backoff with jitter, so a restarted server is not hit by every tab at once;
 *  - a WebSocket constructor that throws (a refused URL, a proxy's port, a policy) is
 *    retried like a close, never given up on;
 *  - close code 4401 means the session ended: stop and say so, a retry cannot succeed;
 *  - the browser's "online" reconnects at once, "offline" drops a link that is gone;
 *  - the connection label ("Live", "Reconnecting…", "Signed out…") follows all of this.
 * What a page subscribes to, what a frame means and how it catches up after a reconnect
 * (re-fetching its fragments on "subscribed") stay in the page's own script.
 *
 *   var live = window.liveSocket({
 *     path: "/ws/inbox/",          // default: <body data-ws-path> or "/ws/inbox/"
 *     status: "[data-testid=…]",   // the connection label, looked up at each change
 *     liveOnOpen: true,            // say "Live" as soon as it opens (false: the page says when)
 *     onOpen: function (send, ws) {},   // subscribe here: runs on every (re)connection
 *     onMessage: function (data, ws) {}, // each JSON frame of the current socket
 *     onClose: function (event) {},      // forget what only the socket knew
 *   });
 *   live.send(payload); live.setStatus(state, text); live.isOpen(); live.socket();
 */
(function () {
  "use strict";
  // Strings through Django's JavaScriptCatalog (templates/base.html loads it first);
  // gettext by name: makemessages (xgettext) finds only the calls it knows.
  var gettext = window.gettext || function (s) { return s; };

  window.liveSocket = function (options) {
    var noop = function () {};
    var onOpen = options.onOpen || noop;
    var onMessage = options.onMessage || noop;
    var onClose = options.onClose || noop;
    var liveOnOpen = options.liveOnOpen !== false;
    var socket = null;
    var attempt = 0;
    var reconnectTimer = null;

    function setStatus(state, text) {
      var el = options.status && document.querySelector(options.status);
      if (!el) return;
      el.dataset.state = state;
      el.textContent = text;
    }

    function send(payload) {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
    }

    function connect() {
      clearTimeout(reconnectTimer);
      if (socket) return;
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var path = options.path || document.body.dataset.wsPath || "/ws/inbox/";
      var ws;
      try {
        ws = new WebSocket(scheme + location.host + path);
      } catch (e) {
        // A refused URL (a proxy's port, a policy) throws instead of closing: keep trying.
        retryLater();
        return;
      }
      socket = ws;
      ws.addEventListener("open", function () {
        if (ws !== socket) return;
        attempt = 0;
        if (liveOnOpen) setStatus("live", gettext("Live"));
        onOpen(send, ws);
      });
      ws.addEventListener("message", function (raw) {
        if (ws !== socket) return;
        var data;
        try {
          data = JSON.parse(raw.data);
        } catch (e) {
          return;
        }
        onMessage(data, ws);
      });
      ws.addEventListener("close", function (event) {
        if (ws !== socket) return;
        socket = null;
        onClose(event);
        if (event.code === 4401) {
          setStatus("offline", gettext("Signed out — reload to sign in"));
          return;
        }
        retryLater();
      });
    }

    /* Exponential backoff with jitter, so a restarted server is not hit by every tab at once. */
    function retryLater() {
      setStatus("reconnecting", gettext("Reconnecting…"));
      var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      attempt += 1;
      clearTimeout(reconnectTimer);
      reconnectTimer = setTimeout(connect, delay);
    }

    /* The browser knows the network is back before any backoff timer does. */
    window.addEventListener("online", function () {
      attempt = 0;
      if (!socket) connect();
    });
    window.addEventListener("offline", function () {
      if (socket) socket.close();
    });

    connect();
    return {
      send: send,
      setStatus: setStatus,
      isOpen: function () {
        return !!socket && socket.readyState === WebSocket.OPEN;
      },
      socket: function () {
        return socket;
      },
    };
  };
})();
