/*
 * The inbox's realtime client: one websocket per tab.
 *
 * The server sends small JSON events ("message X changed", "conversation Y changed",
 * "typing"); the HTML always comes from Django fragments:
 *  - a message event for the open thread fetches that message's row and inserts/replaces it;
 *  - any workspace event fires `inbox:list-changed`, which the list re-fetches on (hx-trigger,
 *    debounced), so ordering and filters stay the server's decision;
 *  - every (re)subscription fires `inbox:resync`, which re-fetches the list and the thread:
 *    whatever happened while the socket was down is read back from the database;
 *  - a heartbeat every 20 s keeps this tab counted (presence, "viewing"); a heartbeat left
 *    unanswered means a dead link (a flaky network rarely says so), and the tab reconnects;
 *  - "viewers" and agent "typing" events say who else has this conversation open, so two
 *    agents do not answer the same customer; customer typing has its own line.
 */
(function () {
  "use strict";
  // Strings through Django's JavaScriptCatalog (templates/base.html loads it first).
  var gettext = window.gettext || function (s) { return s; };
  var fmt = window.interpolate || function (s, o) { return s.replace(/%\((\w+)\)s/g, function (_m, k) { return o[k]; }); };

  var body = document.body;
  var workspace = body.dataset.workspace;
  if (!workspace || !window.WebSocket) return;
  var conversationId = body.dataset.conversation ? Number(body.dataset.conversation) : null;
  var userId = Number(body.dataset.userId);
  var messageUrlTemplate = body.dataset.messageUrl;
  var ZERO = "00000000-0000-0000-0000-000000000000";
  var typingEl = document.querySelector("[data-testid=typing-indicator]");
  var viewersEl = document.querySelector("[data-testid=viewer-presence]");
  var HEARTBEAT_MS = 20000;
  var PONG_WAIT_MS = 10000;
  var AGENT_TYPING_MS = 6000;

  var live = null; // the shared reconnecting socket (static/inbox/socket.js)
  var typingHideTimer = null;
  var lastTypingSent = 0;
  var heartbeatTimer = null;
  var pongTimer = null;
  var viewers = []; // other agents with this conversation open: [{user_id, name}]
  var agentsTyping = {}; // user_id -> {name, until}
  var agentTypingTimer = null;

  function fire(name) {
    body.dispatchEvent(new CustomEvent(name, { bubbles: true }));
  }

  function thread() {
    return document.getElementById("thread-messages");
  }

  function isNearBottom(el) {
    return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }

  function scrollToEnd() {
    var el = thread();
    if (el) el.scrollTop = el.scrollHeight;
  }

  /* Fetch one message row and put it in place (replace if present, else append). */
  function upsertMessage(messageId) {
    var url = messageUrlTemplate.replace(ZERO, messageId);
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) throw new Error("message fragment " + response.status);
        return response.text();
      })
      .then(function (html) {
        var list = thread();
        if (!list) return;
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        var row = template.content.firstElementChild;
        if (!row) return;
        var stick = isNearBottom(list);
        var existing = document.getElementById(row.id);
        if (existing) {
          existing.replaceWith(row);
        } else {
          var empty = list.querySelector(".thread__empty");
          if (empty) empty.remove();
          list.appendChild(row);
        }
        htmx.process(row);
        if (stick) scrollToEnd();
      })
      .catch(function () {
        fire("inbox:resync"); // fall back to the whole thread from the database
      });
  }

  /* A customer message arriving in the thread the agent is looking at is read at once. */
  function markRead() {
    if (!body.dataset.readUrl || document.visibilityState !== "visible") return;
    var headers = JSON.parse(body.getAttribute("hx-headers") || "{}");
    fetch(body.dataset.readUrl, { method: "POST", credentials: "same-origin", headers: headers })
      .then(function () {
        fire("inbox:list-changed");
      })
      .catch(function () {});
  }

  function hideCustomerTyping() {
    clearTimeout(typingHideTimer);
    if (typingEl) typingEl.hidden = true;
  }

  function showCustomerTyping(event) {
    if (!typingEl) return;
    clearTimeout(typingHideTimer);
    if (!event.is_typing) {
      typingEl.hidden = true;
      return;
    }
    typingEl.dataset.who = "contact";
    typingEl.textContent = gettext("Customer is typing…");
    typingEl.hidden = false;
    typingHideTimer = setTimeout(hideCustomerTyping, 6000);
  }

  /* "Bob is typing a reply…" for a teammate typing, "Carol is viewing" for one reading. */
  function renderViewers() {
    if (!viewersEl) return;
    var now = Date.now();
    var parts = [];
    var typingNames = [];
    var seen = {};
    Object.keys(agentsTyping).forEach(function (id) {
      if (agentsTyping[id].until > now) {
        typingNames.push(agentsTyping[id].name);
        seen[id] = true;
      } else {
        delete agentsTyping[id];
      }
    });
    var viewing = viewers
      .filter(function (v) {
        return !seen[v.user_id];
      })
      .map(function (v) {
        return v.name;
      });
    if (typingNames.length) parts.push(fmt(typingNames.length > 1 ? gettext("%(names)s are typing a reply…") : gettext("%(names)s is typing a reply…"), { names: join(typingNames) }, true));
    if (viewing.length) parts.push(fmt(viewing.length > 1 ? gettext("%(names)s are viewing") : gettext("%(names)s is viewing"), { names: join(viewing) }, true));
    var text = parts.join(" · ");
    if (viewersEl.textContent !== text) viewersEl.textContent = text; // no repeat announcements
    viewersEl.dataset.typing = typingNames.length ? "true" : "false";
    viewersEl.dataset.viewers = String(viewers.length);
    viewersEl.hidden = parts.length === 0;
  }

  function join(names) {
    if (names.length < 2) return names.join("");
    return fmt(gettext("%(names)s and %(last)s"), { names: names.slice(0, -1).join(", "), last: names[names.length - 1] }, true);
  }

  function showAgentTyping(event) {
    if (event.user_id === userId) return;
    if (event.is_typing) agentsTyping[event.user_id] = { name: event.name || gettext("A teammate"), until: Date.now() + AGENT_TYPING_MS };
    else delete agentsTyping[event.user_id];
    renderViewers();
    clearTimeout(agentTypingTimer);
    agentTypingTimer = setTimeout(renderViewers, AGENT_TYPING_MS + 50);
  }

  function showTyping(event) {
    if (event.conversation_id !== conversationId) return;
    if (event.who === "agent") showAgentTyping(event);
    else showCustomerTyping(event);
  }

  function showViewers(event) {
    if (event.conversation_id !== conversationId) return;
    viewers = (event.viewers || []).filter(function (v) {
      return v.user_id !== userId;
    });
    renderViewers();
  }

  function onEvent(event) {
    // Other scripts on the page (shortcuts, notifications, presence) listen for this.
    body.dispatchEvent(new CustomEvent("inbox:event", { detail: event }));
    if (event.event === "typing") {
      showTyping(event);
      return;
    }
    if (event.event === "viewers") {
      showViewers(event);
      return;
    }
    if (event.event === "presence") {
      fire("inbox:presence"); // the team list re-reads presence from the database
      return;
    }
    if (event.event === "message.created" || event.event === "message.updated") {
      if (event.conversation_id === conversationId) {
        upsertMessage(event.message_id);
        if (event.event === "message.created" && event.direction === "inbound") {
          hideCustomerTyping();
          markRead();
        }
      }
    }
    fire("inbox:list-changed");
  }

  /* Every HEARTBEAT_MS: keep presence and "viewing" alive; no pong in time means the link
   * is dead even if the browser has not noticed, so drop it and reconnect. */
  function startHeartbeat(ws) {
    stopHeartbeat();
    heartbeatTimer = setInterval(function () {
      if (ws !== live.socket() || ws.readyState !== WebSocket.OPEN) return;
      ws.send(JSON.stringify({ heartbeat: true }));
      clearTimeout(pongTimer);
      pongTimer = setTimeout(function () {
        if (ws === live.socket()) ws.close();
      }, PONG_WAIT_MS);
    }, HEARTBEAT_MS);
  }

  function stopHeartbeat() {
    clearInterval(heartbeatTimer);
    clearTimeout(pongTimer);
  }

  function onFrame(data) {
    if (data.type === "pong") clearTimeout(pongTimer);
    else if (data.type === "event") onEvent(data);
    else if (data.type === "events" && Array.isArray(data.events)) data.events.forEach(onEvent);
    // Catch up once the last subscription is in place: nothing falls between the two.
    else if (data.type === "subscribed" && (conversationId ? data.conversation : data.workspace))
      fire("inbox:resync");
    else if (data.type === "error" && window.console) console.warn("inbox socket:", data);
  }

  /* Backoff, refused sockets, sign-out and the connection label: static/inbox/socket.js. */
  function connect() {
    return window.liveSocket({
      status: "[data-testid=connection-status]",
      onOpen: function (send, ws) {
        send({ subscribe: { workspace: workspace } });
        if (conversationId) send({ subscribe: { conversation: conversationId } });
        startHeartbeat(ws);
      },
      onMessage: onFrame,
      onClose: function () {
        stopHeartbeat();
        // Who is viewing or typing is unknown until the socket is back: show nothing stale.
        viewers = [];
        agentsTyping = {};
        renderViewers();
        hideCustomerTyping();
      },
    });
  }

  /* Typing: tell the server at most every 3 s while the agent types; an emptied box or a
   * sent reply stops it at once, so teammates do not see a stale "typing a reply…". */
  function stopTyping() {
    if (!conversationId || !lastTypingSent) return;
    lastTypingSent = 0;
    live.send({ typing: conversationId, is_typing: false });
  }

  document.addEventListener("input", function (event) {
    if (!conversationId || event.target.id !== "composer-text") return;
    if (!event.target.value.trim()) {
      stopTyping();
      return;
    }
    var now = Date.now();
    if (now - lastTypingSent < 3000) return;
    lastTypingSent = now;
    live.send({ typing: conversationId });
  });

  body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "composer") stopTyping(); // the reply is sent
  });

  /* Enter sends the reply, Shift+Enter is a new line. A send the preview already showed
   * cannot go (opted out, over the limit: the button is disabled) is not attempted; an IME
   * composing a character keeps its Enter. */
  document.addEventListener("keydown", function (event) {
    if (event.target.id !== "composer-text" || event.key !== "Enter") return;
    if (event.shiftKey || event.altKey || event.isComposing) return;
    event.preventDefault();
    var form = event.target.form;
    var button = form && form.querySelector("[data-testid=send-button]");
    if (!form || (button && button.disabled)) return;
    htmx.trigger(form, "submit");
  });

  /* A live refresh of a list the agent extended with "Load more" asks for every row down
   * to the last one shown (`through`), so the refresh does not take them away. Search
   * results are ordered by newest match and read in bounded steps, so there is no such
   * position to refresh down to: an extended result list is left as the agent loaded it
   * (searching again, or any filter, shows it fresh). */
  body.addEventListener("htmx:configRequest", function (event) {
    var list = event.detail.elt;
    if (!list || list.id !== "conversation-list") return;
    var ul = list.querySelector("ul[data-page-size]");
    var rows = list.querySelectorAll("[data-testid=conversation-row]");
    if (!ul || !rows.length || rows.length <= Number(ul.dataset.pageSize)) return;
    if (ul.hasAttribute("data-search")) {
      event.preventDefault();
      return;
    }
    event.detail.parameters.through = rows[rows.length - 1].dataset.cursor;
  });

  /* Filters apply on change (the Apply button stays for keyboard and no-JS use). */
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form) form.submit();
  });

  /* A reply's own row may already have arrived over the socket: keep one copy. */
  body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var row = event.detail.fragment && event.detail.fragment.firstElementChild;
    if (row && row.id && document.getElementById(row.id)) event.detail.shouldSwap = false;
    var empty = thread() && thread().querySelector(".thread__empty");
    if (empty) empty.remove();
  });

  body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.closest && event.target.closest(".inbox__thread")) scrollToEnd();
  });

  scrollToEnd();
  live = connect();
})();
