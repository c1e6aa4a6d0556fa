/* Chat widget of Perspectief Herstelbemiddeling. Plain JavaScript, no dependencies, builds its own DOM.
 *
 * Embed with one tag:  <script src="https://<backend>/static/widget.js" defer></script>
 * Optional attributes on that tag:
 *   data-lang="nl|en"          language of the widget (default: the page's <html lang>)
 *   data-exit-url="https://…"  neutral site for "Snel weg" (default https://www.google.nl)
 *   data-launcher="off"        no chat, only the quick exit (the web form page uses this)
 * Elements on the host page with [data-ph-chat-open] open the chat; [data-ph-quick-exit] leave quickly.
 * On another site, embed the chat as an <iframe> instead (api/static/embed.js): the host page then cannot read it.
 *
 * Privacy: the conversation lives in memory only (no localStorage, no cookies); every text is put in the
 * page with textContent, never as HTML.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || document.documentElement.hasAttribute("data-ph-widget")) return;
  document.documentElement.setAttribute("data-ph-widget", "");

  // The backend is wherever this file came from, so the same tag works on any host page.
  const BASE = new URL(script.src, location.href).origin;
  const CHAT_URL = BASE + "/api/chat";
  const TIMEOUT_MS = 12000;
  const MAX_CHARS = 2000;
  const ESCAPES_TO_EXIT = 3;
  const ESCAPE_WINDOW_MS = 2000;
  const FORM_COOKIE = "ph_form";
  const PHONE = "030 234 00 45";
  const PHONE_TEL = "+31302340045";

  const TEXT = {
    nl: {
      launcher: "Chat met ons",
      title: "Chat over herstelbemiddeling",
      notice: "Je praat met een chatbot, niet met een mens. De chat vergeet dit gesprek 60 minuten na je laatste bericht. We bewaren alleen iets als je je aanmeldt.",
      close: "Chat sluiten",
      restart: "Opnieuw beginnen",
      human: "Met een mens praten",
      exit: "Snel weg",
      exitHint: "Druk 3 keer op Esc om snel weg te gaan.",
      log: "Gesprek",
      you: "Jij: ",
      bot: "Chatbot: ",
      info: "Let op: ",
      input: "Jouw bericht",
      send: "Verstuur",
      typing: "De chatbot schrijft…",
      replies: "Kies een antwoord",
      humanText: "Een mens spreken? Bel ons op werkdagen: " + PHONE + ". In direct gevaar? Bel 112. " +
        "Denk je aan zelfdoding? Bel 113 of gratis 0800-0113, dag en nacht.",
      down: "De chat werkt nu even niet. Probeer het zo nog eens, of bel ons op werkdagen: " + PHONE + ".",
      kept: "Je tekst staat nog in het invoerveld.",
      rejected: "Dit bericht kon niet mee. Maak het korter en probeer het nog eens.",
      notSent: "(niet verstuurd)",
      greet: "/greet",
      questionLink: "Stel je vraag anoniem aan een bemiddelaar",
      questionPath: "/vraag",
    },
    en: {
      launcher: "Chat with us",
      title: "Chat about restorative mediation",
      notice: "You are talking to a chatbot, not a person. The chat forgets this conversation 60 minutes after your last message. We only keep something if you sign up.",
      close: "Close chat",
      restart: "Start again",
      human: "Talk to a person",
      exit: "Leave quickly",
      exitHint: "Press Esc 3 times to leave quickly.",
      log: "Conversation",
      you: "You: ",
      bot: "Chatbot: ",
      info: "Note: ",
      input: "Your message",
      send: "Send",
      typing: "The chatbot is writing…",
      replies: "Choose an answer",
      humanText: "Want to talk to a person? Call us on working days: " + PHONE + ". In immediate danger? " +
        "Call 112. Thinking about suicide? Call 113 or 0800-0113 for free, day and night.",
      down: "The chat is not working right now. Try again soon, or call us on working days: " + PHONE + ".",
      kept: "Your text is still in the input field.",
      rejected: "This message could not be sent. Make it shorter and try again.",
      notSent: "(not sent)",
      greet: '/greet{"language":"en"}',
      questionLink: "Ask a mediator your question anonymously",
      questionPath: "/en/question",
    },
  };

  function safeUrl(value) {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  const pageLang = (script.dataset.lang || document.documentElement.lang || "nl").toLowerCase();
  const lang = pageLang.slice(0, 2) === "en" ? "en" : "nl";
  const t = TEXT[lang];
  const exitUrl = safeUrl(script.dataset.exitUrl) || "https://www.google.nl/";
  const withChat = script.dataset.launcher !== "off";

  function newSenderId() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    // randomUUID needs a secure context; getRandomValues does not.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The conversation, in memory only.
  const state = { sender: newSenderId(), generation: 0, controller: null, started: false, queued: false };
  let ui = null;

  function quickExit(event) {
    if (event) event.preventDefault();
    state.generation += 1;
    state.sender = null;
    if (state.controller) state.controller.abort();
    if (ui) ui.root.remove();
    if (location.origin === BASE) {
      // The web form's CSRF cookie is the only thing our pages leave in the browser (`__Host-` in production).
      document.cookie = FORM_COOKIE + "=; Max-Age=0; Path=/; SameSite=Strict" +
        (location.protocol === "https:" ? "; Secure" : "");
      document.cookie = "__Host-" + FORM_COOKIE + "=; Max-Age=0; Path=/; SameSite=Strict; Secure";
    }
    document.title = "";
    document.body.replaceChildren();
    if (window.top !== window) {
      leaveHostPage();
      return;
    }
    // replace(), not assign(): the page leaves the tab's history, so Back does not return to it.
    location.replace(exitUrl);
  }

  // In the frame of /chat/embed (embed.js on another site) the whole tab must go, not just the frame. The sandbox
  // lets a click navigate the top window; Esc is no user activation, so the loader in the host page is asked too.
  function leaveHostPage() {
    try {
      window.parent.postMessage({ phQuickExit: exitUrl }, "*");
    } catch (e) { /* the loader is not there: the click below still leaves */ }
    try {
      window.top.location.replace(exitUrl);
    } catch (e) { /* no user activation: the loader leaves, the frame stays empty */ }
  }

  let escapes = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const now = Date.now();
    escapes = escapes.filter((time) => now - time < ESCAPE_WINDOW_MS);
    escapes.push(now);
    if (escapes.length >= ESCAPES_TO_EXIT) {
      quickExit(event);
    } else if (ui && !ui.panel.hidden && ui.panel.contains(document.activeElement)) {
      closePanel();
    }
  });

  function wireHostPage() {
    for (const link of document.querySelectorAll("[data-ph-quick-exit]")) {
      link.addEventListener("click", quickExit);
    }
    if (!withChat) return;
    for (const button of document.querySelectorAll("[data-ph-chat-open]")) {
      button.hidden = false;
      button.addEventListener("click", openPanel);
    }
  }

  function buildUi() {
    const css = el("link", { rel: "stylesheet", href: BASE + "/static/widget.css" });
    document.head.appendChild(css);

    const root = el("div", { class: "phw", lang: lang });
    const launcher = el("button", { type: "button", class: "phw-launcher", "aria-expanded": "false",
                                    "aria-controls": "phw-panel" }, t.launcher);
    const panel = el("section", { id: "phw-panel", class: "phw-panel", "aria-labelledby": "phw-title" });
    panel.hidden = true;

    const header = el("div", { class: "phw-header" });
    const title = el("h2", { id: "phw-title", class: "phw-title" }, t.title);
    const close = el("button", { type: "button", class: "phw-close", "aria-label": t.close }, "×");
    header.append(title, close);

    const notice = el("p", { class: "phw-notice" }, t.notice);
    const tools = el("div", { class: "phw-tools" });
    const restart = el("button", { type: "button", class: "phw-tool" }, t.restart);
    const human = el("button", { type: "button", class: "phw-tool" }, t.human);
    const exit = el("button", { type: "button", class: "phw-tool phw-exit" }, t.exit);
    tools.append(restart, human, exit);

    const log = el("div", { class: "phw-log", role: "log", "aria-live": "polite", "aria-label": t.log,
                            tabindex: "0" });
    const typing = el("div", { class: "phw-typing", role: "status" });
    const typingText = el("span", { class: "phw-typing-text" });
    const dots = el("span", { class: "phw-dots", "aria-hidden": "true" });
    dots.append(el("span"), el("span"), el("span"));
    typing.append(dots, typingText);
    typing.hidden = true;

    const form = el("form", { class: "phw-form", autocomplete: "off" });
    const label = el("label", { for: "phw-input", class: "phw-label" }, t.input);
    const row = el("div", { class: "phw-row" });
    const input = el("input", { id: "phw-input", class: "phw-input", type: "text", maxlength: String(MAX_CHARS),
                                autocomplete: "off", "aria-describedby": "phw-exit-hint" });
    const send = el("button", { type: "submit", class: "phw-send" }, t.send);
    row.append(input, send);
    const hint = el("p", { id: "phw-exit-hint", class: "phw-hint" }, t.exitHint);
    form.append(label, row, hint);

    panel.append(header, notice, tools, log, typing, form);
    root.append(launcher, panel);
    document.body.appendChild(root);

    launcher.addEventListener("click", () => (panel.hidden ? openPanel() : closePanel()));
    close.addEventListener("click", closePanel);
    restart.addEventListener("click", restartConversation);
    human.addEventListener("click", () => {
      addMessage("info", t.humanText);
      addLink("question_box");
    });
    exit.addEventListener("click", quickExit);
    function submitTyped() {
      const text = input.value.trim();
      if (!text) return;
      // Typed while the bot is still answering: send it right after, rather than dropping it.
      if (send.disabled) state.queued = true;
      else sendMessage(text, text, true);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitTyped();
    });
    // A form whose submit button is disabled ignores Enter (implicit submission), so Enter is handled here.
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.isComposing) return;
      event.preventDefault();
      submitTyped();
    });
    return { root, launcher, panel, log, typing, typingText, input, send, submitTyped };
  }

  function openPanel() {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.input.focus();
    if (!state.started) {
      state.started = true;
      sendMessage(t.greet, null, false);
    }
  }

  function closePanel() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.focus();
  }

  function restartConversation() {
    state.generation += 1;
    if (state.controller) state.controller.abort();
    state.sender = newSenderId();
    ui.log.replaceChildren();
    ui.input.value = "";
    state.queued = false;
    setBusy(false);
    state.started = true;
    sendMessage(t.greet, null, false);
    ui.input.focus();
  }

  // Text with the office number turned into a tel: link (built as elements, never as HTML).
  function appendText(node, text) {
    const at = text.indexOf(PHONE);
    if (at < 0) {
      node.append(text);
      return;
    }
    const link = el("a", { href: "tel:" + PHONE_TEL, class: "phw-phone" }, PHONE);
    node.append(text.slice(0, at), link, text.slice(at + PHONE.length));
  }

  function addMessage(who, text) {
    const message = el("div", { class: "phw-msg phw-msg--" + who, lang: lang });
    const prefix = { user: t.you, bot: t.bot, info: t.info }[who];
    message.append(el("span", { class: "phw-visually-hidden" }, prefix));
    const body = el("span", { class: "phw-text" });
    appendText(body, text);
    message.append(body);
    ui.log.append(message);
    ui.log.scrollTop = ui.log.scrollHeight;
    return message;
  }

  // A reply's `custom.link` names one of our own pages; the bot never sends an address.
  const LINKS = { question_box: { title: t.questionLink, href: BASE + t.questionPath } };

  function addLink(name) {
    if (!Object.prototype.hasOwnProperty.call(LINKS, name)) return;
    const message = el("div", { class: "phw-msg phw-msg--bot", lang: lang });
    message.append(el("a", { href: LINKS[name].href, class: "phw-link", rel: "noreferrer" }, LINKS[name].title));
    ui.log.append(message);
  }

  function addQuickReplies(buttons) {
    const group = el("div", { class: "phw-replies", role: "group", "aria-label": t.replies });
    for (const button of buttons) {
      if (!button || typeof button.title !== "string" || typeof button.payload !== "string") continue;
      if (!button.payload || button.payload.length > MAX_CHARS) continue;
      const node = el("button", { type: "button", class: "phw-reply" }, button.title);
      node.addEventListener("click", () => sendMessage(button.payload, button.title, false));
      group.append(node);
    }
    if (group.childElementCount) ui.log.append(group);
  }

  function clearQuickReplies() {
    const hadFocus = ui.log.contains(document.activeElement);
    for (const group of ui.log.querySelectorAll(".phw-replies")) group.remove();
    if (hadFocus) ui.input.focus();
  }

  function setBusy(busy) {
    ui.typing.hidden = !busy;
    ui.typingText.textContent = busy ? t.typing : "";
    ui.send.disabled = busy;
    for (const reply of ui.log.querySelectorAll(".phw-reply")) reply.disabled = busy;
  }

  function showReplies(items) {
    clearQuickReplies();
    for (const item of Array.isArray(items) ? items : []) {
      if (!item || typeof item !== "object") continue;
      if (typeof item.text === "string" && item.text.trim()) addMessage("bot", item.text);
      if (Array.isArray(item.buttons) && item.buttons.length) addQuickReplies(item.buttons);
      if (item.custom && typeof item.custom.link === "string") addLink(item.custom.link);
    }
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function showFailure(status, typed, shownMessage) {
    if (shownMessage) {
      shownMessage.classList.add("phw-msg--failed");
      shownMessage.append(el("span", { class: "phw-failed" }, " " + t.notSent));
    }
    let text = status === 422 ? t.rejected : t.down;
    if (typed !== null) {
      // Nothing the visitor wrote is lost: it goes back into the input (unless they typed something new).
      if (!ui.input.value) ui.input.value = typed;
      text += " " + t.kept;
    }
    addMessage("info", text);
  }

  function sendMessage(message, shown, fromInput) {
    if (ui.send.disabled || !state.sender) return;
    const generation = state.generation;
    const shownMessage = shown === null ? null : addMessage("user", shown);
    if (fromInput) ui.input.value = "";
    setBusy(true);
    const controller = new AbortController();
    state.controller = controller;
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    fetch(CHAT_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ sender: state.sender, message: message }),
      signal: controller.signal,
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
    })
      .then((response) => {
        if (!response.ok) throw { status: response.status };
        return response.json();
      })
      .then((items) => {
        if (generation === state.generation) showReplies(items);
      })
      .catch((error) => {
        if (generation !== state.generation) return; // restarted or left meanwhile: nothing to show
        showFailure(error && error.status, fromInput ? message : null, shownMessage);
      })
      .finally(() => {
        clearTimeout(timer);
        if (generation === state.generation) {
          state.controller = null;
          setBusy(false);
          if (state.queued) {
            state.queued = false;
            ui.submitTyped();
          }
        }
      });
  }

  function start() {
    if (withChat) ui = buildUi();
    wireHostPage();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
