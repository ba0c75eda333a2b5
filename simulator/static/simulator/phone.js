// Phone simulator behaviour htmx does not give for free: skip idle polls, keep the thread
// scrolled like a messaging app, clear the composer after a send, Enter to send; for RCS,
// report reads and typing, and tell the agent about action chips the phone follows natively.
(function () {
  "use strict";

  var follow = true;

  function thread() { return document.getElementById("thread"); }
  function atBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 80; }
  function toBottom() { var el = thread(); if (el) el.scrollTop = el.scrollHeight; }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    if (!target || target.id !== "thread") return;
    // detail.elt is the swap target here; the element that asked is requestConfig.elt.
    var source = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    var polled = !!source && source.id === "thread";
    if (polled) {
      // An unchanged thread is not re-rendered: selection, focus and screen readers stay put.
      var current = target.querySelector("[data-version]");
      var incoming = /data-version="([^"]*)"/.exec(evt.detail.serverResponse || "");
      if (current && incoming && incoming[1] === current.getAttribute("data-version")) {
        evt.detail.shouldSwap = false;
        return;
      }
    }
    follow = !polled || atBottom(target);
  });

  document.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.detail.target && evt.detail.target.id === "thread" && follow) toBottom();
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    var form = document.getElementById("phone-send-form");
    if (!form || evt.detail.elt !== form || !evt.detail.xhr || evt.detail.xhr.status !== 200) return;
    form.elements.body.value = "";
    form.elements.media_url.value = "";
    var attach = form.querySelector("details");
    if (attach) attach.open = false;
    form.elements.body.focus();
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    var form = document.getElementById("phone-location-form");
    if (!form || evt.detail.elt !== form || !evt.detail.xhr || evt.detail.xhr.status !== 200) return;
    form.querySelector("details").open = false;
  });

  // RCS ------------------------------------------------------------------------------

  var reported = {};  // agent message ids this page already told the agent it read

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function post(url, params) {
    return fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf(), "Content-Type": "application/x-www-form-urlencoded" },
      body: params,
      credentials: "same-origin",
    });
  }

  // A phone reports READ when it shows a message, unless the sandbox already plays that part.
  function reportReads() {
    // RCS and WhatsApp phones both report reads (the list names where).
    var log = document.querySelector('#thread ol[data-read-url]');
    if (!log || log.getAttribute("data-reports-reads") !== "true") return;
    var params = new URLSearchParams();
    params.append("number", log.getAttribute("data-number"));
    params.append("channel", log.getAttribute("data-channel"));
    var fresh = 0;
    log.querySelectorAll("[data-unread]").forEach(function (item) {
      var id = item.getAttribute("data-message-id");
      if (!id || reported[id]) return;
      reported[id] = true;
      params.append("message_id", id);
      fresh += 1;
    });
    if (fresh) post(log.getAttribute("data-read-url"), params);
  }

  function showNote(text) {
    var note = document.getElementById("phone-note");
    if (!note) return;
    note.textContent = text;
    note.hidden = false;
    clearTimeout(showNote.timer);
    showNote.timer = setTimeout(function () { note.hidden = true; }, 6000);
  }

  document.addEventListener("click", function (evt) {
    var chip = evt.target.closest && evt.target.closest('[data-testid="rcs-chip"]');
    if (!chip) return;
    var kind = chip.getAttribute("data-kind");
    if (chip.hasAttribute("data-note")) showNote(chip.getAttribute("data-note"));
    if (chip.tagName !== "A") return;  // reply, calendar and share-location chips are forms
    // The phone opens the link itself (new tab, dialer, maps) and RBM tells the agent.
    if (kind === "dial") showNote("Calling " + chip.getAttribute("href").slice(4) + "…");
    var params = new URLSearchParams();
    params.append("number", chip.getAttribute("data-number"));
    params.append("channel", chip.getAttribute("data-channel"));
    params.append("text", chip.getAttribute("data-text"));
    params.append("postback", chip.getAttribute("data-postback"));
    params.append("kind", "action");
    post(chip.getAttribute("data-tap-url"), params).then(function () {
      if (window.htmx) htmx.trigger("#thread", "refresh");
    });
  });

  // A "share location" chip shares the spot chosen in the location panel.
  document.addEventListener("htmx:configRequest", function (evt) {
    var form = evt.detail.elt;
    if (!form || !form.querySelector || !form.querySelector('[data-kind="share_location"]')) return;
    var lat = document.getElementById("phone-latitude");
    var lng = document.getElementById("phone-longitude");
    if (lat && lat.value) evt.detail.parameters.latitude = lat.value;
    if (lng && lng.value) evt.detail.parameters.longitude = lng.value;
  });

  document.addEventListener("htmx:afterSettle", function (evt) {
    if (evt.detail.target && evt.detail.target.id === "thread") reportReads();
  });

  // While the customer types, an RCS client tells the business, at most every few
  // seconds (RBM's IS_TYPING carries no text). SMS has no such thing.
  var TYPING_EVERY_MS = 3000;
  var lastTyping = { key: "", at: 0 };

  function reportTyping(compose) {
    var log = document.querySelector('#thread ol[data-mode="rcs"]');
    if (!log || !log.getAttribute("data-typing-url") || !compose.value.trim()) return;
    var key = log.getAttribute("data-number") + "|" + log.getAttribute("data-channel");
    var now = Date.now();
    if (lastTyping.key === key && now - lastTyping.at < TYPING_EVERY_MS) return;
    lastTyping = { key: key, at: now };
    var params = new URLSearchParams();
    params.append("number", log.getAttribute("data-number"));
    params.append("channel", log.getAttribute("data-channel"));
    post(log.getAttribute("data-typing-url"), params).catch(function () {});
  }

  document.addEventListener("input", function (evt) {
    if (evt.target && evt.target.id === "phone-compose") reportTyping(evt.target);
  });

  // A sent message ends the typing: the next keystroke may report again at once.
  document.addEventListener("htmx:afterRequest", function (evt) {
    if (evt.detail.elt && evt.detail.elt.id === "phone-send-form") lastTyping.at = 0;
  });

  document.addEventListener("DOMContentLoaded", function () {
    toBottom();
    reportReads();
    var compose = document.getElementById("phone-compose");
    if (!compose) return;
    compose.addEventListener("keydown", function (evt) {
      if (evt.key === "Enter" && !evt.shiftKey && !evt.isComposing) {
        evt.preventDefault();
        compose.form.requestSubmit();
      }
    });
  });
})();
