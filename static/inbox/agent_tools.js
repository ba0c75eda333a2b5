/*
 * The agent's tools in the browser: keyboard shortcuts (listed behind "?"), the composer's
 * extras ("/" canned responses, emoji, capability notes, note mode), the contact panel
 * toggle, and browser notifications + a sound for messages that concern this agent.
 *
 * It opens no socket of its own: live_socket.js re-dispatches every websocket event as an
 * "inbox:event" DOM event on <body>, and this listens to that. Whether an event deserves
 * a notification is decided here from the event alone (a new message names the
 * conversation's assignee; a "mention" event names the mentioned users), no extra request.
 */
(function () {
  "use strict";
  // Strings through Django's JavaScriptCatalog (templates/base.html loads it first).
  var gettext = window.gettext || function (s) { return s; };
  var fmt = window.interpolate || function (s, o) { return s.replace(/%\((\w+)\)s/g, function (_m, k) { return o[k]; }); };

  var body = document.body;
  var workspace = body.dataset.workspace;
  if (!workspace) return;
  var conversationId = body.dataset.conversation ? Number(body.dataset.conversation) : null;
  var userId = body.dataset.userId ? Number(body.dataset.userId) : null;
  var SOUND_KEY = "inbox:sound-muted";

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  function composerText() {
    return document.getElementById("composer-text");
  }

  function isTyping(target) {
    if (!target || target === body) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function fire(name) {
    body.dispatchEvent(new CustomEvent(name, { bubbles: true }));
  }

  /* ---------------------------------------------------------------- shortcuts */

  function helpDialog() {
    return document.getElementById("shortcuts-help");
  }

  function openHelp() {
    var dialog = helpDialog();
    if (dialog && !dialog.open) dialog.showModal();
  }

  function moveConversation(step) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-testid=conversation-row]"));
    if (!rows.length) return;
    var index = -1;
    rows.forEach(function (row, i) {
      if (conversationId && Number(row.dataset.conversationId) === conversationId) index = i;
    });
    var next = rows[index + step] || (index === -1 ? rows[0] : null);
    var link = next && next.querySelector("a");
    if (link) link.click();
  }

  function clickTestId(testid) {
    var el = $("[data-testid=" + testid + "]");
    if (el && !el.disabled) el.click();
    return !!el;
  }

  function focusComposer(note) {
    var box = composerText();
    if (!box) return;
    var toggle = $("[data-testid=note-toggle]");
    if (toggle && toggle.checked !== note) {
      toggle.checked = note;
      toggle.dispatchEvent(new Event("input", { bubbles: true }));
      syncNoteMode(toggle);
    }
    box.focus();
  }

  document.addEventListener("keydown", function (event) {
    var dialog = helpDialog();
    if (dialog && dialog.open) return; // the dialog handles Esc itself
    if (event.key === "Escape" && isTyping(event.target) && !cannedOpen()) {
      event.target.blur();
      return;
    }
    if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      moveConversation(event.key === "ArrowDown" ? 1 : -1);
      return;
    }
    if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    var handled = true;
    switch (event.key) {
      case "?":
        openHelp();
        break;
      case "j":
        moveConversation(1);
        break;
      case "k":
        moveConversation(-1);
        break;
      case "a":
        clickTestId("assign-me");
        break;
      case "e":
        clickTestId("resolve-button");
        break;
      case "r":
        focusComposer(false);
        break;
      case "n":
        focusComposer(true);
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcuts-open]")) {
      openHelp();
      return;
    }
    var toggle = event.target.closest("[data-side-toggle]");
    if (toggle) {
      var main = document.getElementById("main");
      var wide = window.matchMedia("(min-width: 1200px)").matches;
      var cls = wide ? "inbox--side-hidden" : "inbox--side-open";
      var on = main.classList.toggle(cls);
      toggle.setAttribute("aria-expanded", String(wide ? !on : on));
    }
  });

  /* ------------------------------------------------------------ composer extras */

  function syncNoteMode(toggle) {
    var form = toggle.form;
    if (!form) return;
    form.classList.toggle("composer--note", toggle.checked);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches) return;
    if (target.matches("[data-testid=note-toggle]")) syncNoteMode(target);
    /* Status applies on change, except "snoozed", which waits for its time. (Decided here,
     * not in an hx-trigger filter: the page's CSP forbids the eval those need.) */
    var form = target.closest("form[data-status-form]");
    if (!form) return;
    if ((target.name === "status" && target.value !== "snoozed") || (target.name === "snooze_preset" && target.value))
      form.requestSubmit();
  });

  function insertAtCaret(box, text, from, to) {
    var start = from === undefined ? box.selectionStart : from;
    var end = to === undefined ? box.selectionEnd : to;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    var caret = start + text.length;
    box.setSelectionRange(caret, caret);
    box.focus();
    box.dispatchEvent(new Event("input", { bubbles: true })); // refresh the preview
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-emoji]");
    var box = composerText();
    if (!button || !box) return;
    insertAtCaret(box, button.dataset.emoji);
  });

  /* Capability notes follow the channel picked: each preview says what it can do. */
  /* An uploaded file fills the attachment link: the preview must show it. */
  body.addEventListener("htmx:afterSwap", function (event) {
    if (!event.target || event.target.id !== "attachment-slot") return;
    var link = $("[data-testid=attachment-url]", event.target);
    if (link) link.dispatchEvent(new Event("input", { bubbles: true }));
  });

  body.addEventListener("htmx:afterSwap", function (event) {
    if (!event.target || event.target.id !== "composer-preview") return;
    var caps = $("[data-testid=composer-caps]", event.target);
    if (!caps) return;
    [["rich", caps.dataset.richReason], ["media", caps.dataset.mediaReason]].forEach(function (pair) {
      var fieldset = $("fieldset[data-capability=" + pair[0] + "]");
      var reason = $("[data-reason=" + pair[0] + "]");
      if (fieldset) fieldset.disabled = !!pair[1];
      if (reason) {
        reason.textContent = pair[1] || "";
        reason.hidden = !pair[1];
      }
    });
  });

  /* "/" canned responses and, in a private note, "@" teammates: the token before the
   * caret is searched on the server (which fills a canned response's variables and lists
   * only this workspace's members); Up/Down pick, Enter or Tab inserts, Esc closes. */
  var cannedToken = null;
  var cannedRequest = 0;

  function popup() {
    return document.getElementById("canned-popup");
  }

  function cannedOpen() {
    var p = popup();
    return !!(p && !p.hidden);
  }

  function closeCanned() {
    var p = popup();
    if (p) {
      p.hidden = true;
      p.innerHTML = "";
    }
    cannedToken = null;
    var box = composerText();
    if (box) box.removeAttribute("aria-activedescendant");
  }

  function noteMode() {
    var toggle = $("[data-testid=note-toggle]");
    return !!(toggle && toggle.checked);
  }

  function tokenBeforeCaret(box) {
    var before = box.value.slice(0, box.selectionStart);
    var match = /(^|\s)([\/@])([\w.+-]*)$/.exec(before);
    if (!match) return null;
    var kind = match[2] === "@" ? "mention" : "canned";
    if (kind === "mention" && !noteMode()) return null; // mentions live in notes only
    if (kind === "canned" && !/^[\w-]*$/.test(match[3])) return null;
    var url = kind === "mention" ? box.dataset.mentionUrl : box.dataset.cannedUrl;
    if (!url) return null;
    return { kind: kind, url: url, query: match[3], start: before.length - match[3].length - 1, end: box.selectionStart };
  }

  function items() {
    var p = popup();
    return p ? Array.prototype.slice.call(p.querySelectorAll("[role=option][data-body]")) : [];
  }

  function select(index) {
    var list = items();
    if (!list.length) return;
    index = (index + list.length) % list.length;
    list.forEach(function (item, i) {
      item.setAttribute("aria-selected", String(i === index));
    });
    list[index].scrollIntoView({ block: "nearest" });
    composerText().setAttribute("aria-activedescendant", list[index].id);
  }

  function selectedIndex() {
    var list = items();
    for (var i = 0; i < list.length; i++) if (list[i].getAttribute("aria-selected") === "true") return i;
    return 0;
  }

  function insertCanned(item) {
    var box = composerText();
    if (!box || !item || !cannedToken) return;
    var token = cannedToken;
    closeCanned();
    insertAtCaret(box, item.dataset.body, token.start, token.end);
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box.id !== "composer-text") return;
    var token = tokenBeforeCaret(box);
    if (!token) {
      closeCanned();
      return;
    }
    cannedToken = token;
    var ticket = ++cannedRequest;
    var url = token.url + "?q=" + encodeURIComponent(token.query);
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        var p = popup();
        if (ticket !== cannedRequest || !p || !cannedToken) return;
        p.innerHTML = html;
        p.hidden = !html;
        if (items().length) select(0);
      })
      .catch(closeCanned);
  });

  /* Capture phase: runs before live_socket.js's Enter-to-send, which must not see a pick. */
  document.addEventListener(
    "keydown",
    function (event) {
      if (event.target.id !== "composer-text" || !cannedOpen()) return;
      var handled = true;
      if (event.key === "ArrowDown") select(selectedIndex() + 1);
      else if (event.key === "ArrowUp") select(selectedIndex() - 1);
      else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && items().length)
        insertCanned(items()[selectedIndex()]);
      else if (event.key === "Escape") closeCanned();
      else handled = false;
      if (handled) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true
  );

  document.addEventListener("mousedown", function (event) {
    var item = event.target.closest && event.target.closest("#canned-popup [role=option][data-body]");
    if (item) {
      event.preventDefault(); // keep the caret in the box
      insertCanned(item);
    }
  });

  /* ------------------------------------------------ notifications and the sound */

  function soundMuted() {
    try {
      return localStorage.getItem(SOUND_KEY) === "1";
    } catch (e) {
      return false;
    }
  }

  var audio = null;
  function beep() {
    if (soundMuted()) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.4);
      body.dataset.lastSound = String(Date.now());
    } catch (e) {
      /* no audio device: the notification still shows */
    }
  }

  function notify(info) {
    beep();
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var shown = new Notification(info.title, { body: info.body, tag: info.url });
    shown.onclick = function () {
      window.focus();
      location.href = info.url;
    };
  }

  function conversationUrl(id) {
    return "/w/" + encodeURIComponent(workspace) + "/c/" + id + "/";
  }

  /* Who the conversation is with, as the list shows it (the event carries ids only). */
  function contactName(id) {
    var row = document.getElementById("conv-" + id);
    var name = row && $(".conv-row__contact", row);
    return name ? name.textContent.trim() : "";
  }

  /* Unseen @mentions: a badge in the top bar, counted from the page and then live. */
  var unseenMentions = 0;

  function loadUnseenMentions() {
    var url = body.dataset.unseenMentionsUrl;
    if (!url) return;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        unseenMentions = Number(data.unseen) || 0;
        renderMentionBadge();
      })
      .catch(function () {});
  }

  function renderMentionBadge() {
    var badge = $("[data-testid=mention-badge]");
    if (!badge) {
      var anchor = $("[data-testid=connection-status]");
      if (!anchor || !anchor.parentNode) return;
      badge = document.createElement("span");
      badge.className = "mention-badge";
      badge.setAttribute("data-testid", "mention-badge");
      badge.setAttribute("role", "status");
      anchor.parentNode.insertBefore(badge, anchor);
    }
    badge.hidden = unseenMentions < 1;
    badge.dataset.count = String(unseenMentions);
    badge.textContent = "@" + unseenMentions;
    badge.title = unseenMentions + (unseenMentions === 1 ? " unseen mention" : " unseen mentions");
    badge.setAttribute("aria-label", badge.title);
  }

  function onMention(data) {
    if (!userId || (data.user_ids || []).indexOf(userId) === -1 || data.author_id === userId) return;
    var who = contactName(data.conversation_id);
    var open = data.conversation_id === conversationId && document.visibilityState === "visible";
    if (!open) {
      unseenMentions += 1;
      renderMentionBadge();
    }
    notify({
      title: fmt(gettext("%(author)s mentioned you"), { author: data.author || gettext("A teammate") }, true),
      body: who ? fmt(gettext("In the conversation with %(who)s"), { who: who }, true) : gettext("In a private note"),
      url: conversationUrl(data.conversation_id),
    });
  }

  function onInbound(data) {
    if (!userId || data.assignee_id !== userId) return;
    var who = contactName(data.conversation_id);
    notify({
      title: fmt(gettext("New message from %(who)s"), { who: who || gettext("a customer") }, true),
      body: gettext("In a conversation assigned to you"),
      url: conversationUrl(data.conversation_id),
    });
  }

  body.addEventListener("inbox:event", function (event) {
    var data = event.detail || {};
    if (data.event === "conversation.updated" && data.conversation_id === conversationId) {
      fire("inbox:conversation-changed"); // the head and the side panel re-fetch
      return;
    }
    if (data.event === "mention") onMention(data);
    else if (data.event === "message.created" && data.direction === "inbound") onInbound(data);
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-notifications-enable]") && "Notification" in window) {
      Notification.requestPermission().then(renderPermission);
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-sound-toggle]")) {
      try {
        localStorage.setItem(SOUND_KEY, event.target.checked ? "0" : "1");
      } catch (e) {}
    }
  });

  function renderPermission() {
    var state = $("[data-testid=notifications-state]");
    var sound = $("[data-sound-toggle]");
    if (sound) sound.checked = !soundMuted();
    if (!state) return;
    if (!("Notification" in window)) state.textContent = gettext("This browser cannot show notifications.");
    else if (Notification.permission === "granted") state.textContent = gettext("Desktop notifications are on.");
    else if (Notification.permission === "denied")
      state.textContent = gettext("Notifications are blocked in this browser's site settings.");
    else state.textContent = gettext("Desktop notifications are off.");
  }

  renderPermission();
  renderMentionBadge();
  loadUnseenMentions();
})();
