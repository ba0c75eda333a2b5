/*
 * The inbox's realtime client: one websocket per tab.
 *
 * The server sends small JSON events ("message X changed", "conversation Y changed",
 * "typing"); the HTML always comes from Django fragments:
 *  - a message event for the open thread fetches that message's row and inserts/replaces it;
 *  - any workspace event fires `inbox:list-changed`, which the list re-fetches on (hx-trigger,
 *    debounced), so ordering and filters stay the server's decision;
 *  - every (re)subscription fires `inbox:resync`, which re-fetches the list and the thread:
 *    whatever happened while the socket was down is read back from the database.
 */
(function () {
  "use strict";

  var body = document.body;
  var workspace = body.dataset.workspace;
  if (!workspace || !window.WebSocket) return;
  var conversationId = body.dataset.conversation ? Number(body.dataset.conversation) : null;
  var userId = Number(body.dataset.userId);
  var messageUrlTemplate = body.dataset.messageUrl;
  var ZERO = "00000000-0000-0000-0000-000000000000";
  var statusEl = document.querySelector("[data-testid=connection-status]");
  var typingEl = document.querySelector("[data-testid=typing-indicator]");

  var socket = null;
  var attempt = 0;
  var typingHideTimer = null;
  var lastTypingSent = 0;

  function setConnection(state, text) {
    if (!statusEl) return;
    statusEl.dataset.state = state;
    statusEl.textContent = text;
  }

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

  function showTyping(event) {
    if (!typingEl || event.conversation_id !== conversationId) return;
    if (event.who === "agent" && event.user_id === userId) return;
    clearTimeout(typingHideTimer);
    if (!event.is_typing) {
      typingEl.hidden = true;
      return;
    }
    typingEl.textContent = event.who === "contact" ? "Customer is typing…" : "Another agent is typing…";
    typingEl.hidden = false;
    typingHideTimer = setTimeout(function () {
      typingEl.hidden = true;
    }, 6000);
  }

  function onEvent(event) {
    // Other scripts on the page (shortcuts, notifications, presence) listen for this.
    body.dispatchEvent(new CustomEvent("inbox:event", { detail: event }));
    if (event.event === "typing") {
      showTyping(event);
      return;
    }
    if (event.event === "message.created" || event.event === "message.updated") {
      if (event.conversation_id === conversationId) {
        upsertMessage(event.message_id);
        if (event.event === "message.created" && event.direction === "inbound") {
          if (typingEl) typingEl.hidden = true;
          markRead();
        }
      }
    }
    fire("inbox:list-changed");
  }

  function send(payload) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + (body.dataset.wsPath || "/ws/inbox/"));
    socket.addEventListener("open", function () {
      attempt = 0;
      setConnection("live", "Live");
      send({ subscribe: { workspace: workspace } });
      if (conversationId) send({ subscribe: { conversation: conversationId } });
    });
    socket.addEventListener("message", function (raw) {
      var data;
      try {
        data = JSON.parse(raw.data);
      } catch (e) {
        return;
      }
      if (data.type === "event") onEvent(data);
      // Catch up once the last subscription is in place: nothing falls between the two.
      else if (data.type === "subscribed" && (conversationId ? data.conversation : data.workspace))
        fire("inbox:resync");
      else if (data.type === "error" && window.console) console.warn("inbox socket:", data);
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      if (event.code === 4401) {
        setConnection("offline", "Signed out — reload to sign in");
        return;
      }
      setConnection("reconnecting", "Reconnecting…");
      var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      attempt += 1;
      setTimeout(connect, delay);
    });
  }

  /* Typing: tell the server at most every 3 s while the agent types. */
  document.addEventListener("input", function (event) {
    if (!conversationId || event.target.id !== "composer-text") return;
    var now = Date.now();
    if (now - lastTypingSent < 3000) return;
    lastTypingSent = now;
    send({ typing: conversationId });
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
  connect();
})();
