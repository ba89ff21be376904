/*
 * smartcrm website chat widget. Embed on the shop's site with one tag:
 *
 *   <script src="https://crm.example/static/widget/chat.js" data-smartcrm-url="https://crm.example"
 *           data-language="zh-Hans" defer></script>
 *
 * Optional: data-identity-token="<signed token>" for a customer logged in on the shop's site
 * (docs/assistant.md); data-max-file-mb="20" when the CRM's SMARTCRM_ATTACHMENT_MAX_MB differs
 * (a larger file is refused here before it is sent; the server checks every file by its bytes). Plain ES2020, no dependencies. Every text the customer, the assistant or an
 * agent wrote is put in the page with textContent, never parsed as HTML; the look comes from
 * chat.css (loaded beside this file), so a page whose CSP has no 'unsafe-inline' works as is.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  if (!script || window.smartcrmChatLoaded) return;
  window.smartcrmChatLoaded = true;

  const base = (script.dataset.smartcrmUrl || new URL(script.src).origin).replace(/\/+$/, "");
  const api = `${base}/api/v1/chat`;
  const pageLanguage =
    script.dataset.language || document.documentElement.lang || navigator.language || "en";
  const identityToken = script.dataset.identityToken || "";
  const storageKey = `smartcrm-chat:${base}`;
  const POLL_OPEN_MS = 3000;
  const POLL_CLOSED_MS = 15000;
  const MAX_FILE_MB = Number(script.dataset.maxFileMb) || 20;

  // The widget's texts in English, marked for the CRM's JavaScript catalog (djangojs.po); the
  // page's language is fetched from the chat API before the widget is shown (English if that
  // fails). A local gettext: the shop's page may have its own.
  const gettext_noop = (text) => text;
  const ENGLISH = {
    launcher: gettext_noop("Chat with us"),
    title: gettext_noop("Customer service"),
    close: gettext_noop("Close chat"),
    label: gettext_noop("Your message"),
    placeholder: gettext_noop("Ask about shipping, returns or your order…"),
    send: gettext_noop("Send"),
    customer: gettext_noop("You"),
    assistant: gettext_noop("Assistant"),
    agent: gettext_noop("Agent"),
    sources: gettext_noop("Sources"),
    greeting: gettext_noop("Hi! Ask me about shipping, returns, payment or your order."),
    sending: gettext_noop("Sending…"),
    failed: gettext_noop("Something went wrong. Please try again."),
    offline: gettext_noop("Cannot reach the shop. Please try again later."),
    limited: gettext_noop("Too many messages. Please wait {s} seconds."),
    handedOff: gettext_noop("A colleague has this conversation and will answer here."),
    unread: gettext_noop("New reply"),
    attach: gettext_noop("Send a photo, a voice message or a text file"),
    fileSent: gettext_noop("Sent: {name}"),
    fileTooLarge: gettext_noop("The file is larger than {mb} MB."),
    fileEmpty: gettext_noop("The file is empty."),
  };
  const uiLanguage = pageLanguage.toLowerCase().startsWith("zh") ? "zh-hans" : "en";
  let catalog = {};
  const t = (key, values = {}) => {
    const english = ENGLISH[key];
    const text = typeof catalog[english] === "string" ? catalog[english] : english;
    return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
  };

  async function loadStrings() {
    if (uiLanguage === "en") return;
    try {
      const response = await fetch(`${api}/strings?language=${encodeURIComponent(uiLanguage)}`);
      if (response.ok) catalog = (await response.json()).catalog || {};
    } catch {
      /* the shop cannot be reached: English */
    }
  }

  // -- state -------------------------------------------------------------------------------

  let token = read(storageKey);
  let lastId = 0;
  let state = "bot";
  let busy = false;
  let pollTimer = 0;
  let pausedUntil = 0;
  const shown = new Set();
  const shownFiles = new Set();

  function read(key) {
    try {
      return window.localStorage.getItem(key) || "";
    } catch {
      return ""; // storage blocked: the conversation lasts as long as the page
    }
  }

  function keep(key, value) {
    try {
      if (value) window.localStorage.setItem(key, value);
      else window.localStorage.removeItem(key);
    } catch {
      /* storage blocked */
    }
  }

  // -- DOM (built here, text through textContent only) -------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const root = el("div", "smartcrm-chat");
  root.hidden = true; // shown once the stylesheet is in
  root.lang = uiLanguage === "zh-hans" ? "zh-Hans" : "en";

  const launcher = el("button", "smartcrm-chat__launcher", t("launcher"));
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "smartcrm-chat-panel");
  const badge = el("span", "smartcrm-chat__badge", t("unread"));
  badge.hidden = true;
  launcher.append(badge);

  const panel = el("section", "smartcrm-chat__panel");
  panel.id = "smartcrm-chat-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-labelledby", "smartcrm-chat-title");

  const head = el("header", "smartcrm-chat__head");
  const title = el("h2", "smartcrm-chat__title", t("title"));
  title.id = "smartcrm-chat-title";
  const close = el("button", "smartcrm-chat__close", "×");
  close.type = "button";
  close.setAttribute("aria-label", t("close"));
  head.append(title, close);

  const log = el("ol", "smartcrm-chat__log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", t("title"));
  log.tabIndex = 0;
  const greeting = el("li", "smartcrm-chat__msg smartcrm-chat__msg--assistant");
  greeting.append(
    el("span", "smartcrm-chat__who", t("assistant")),
    el("p", "smartcrm-chat__text", t("greeting")),
  );
  log.append(greeting);

  const status = el("p", "smartcrm-chat__status");
  status.setAttribute("role", "status");

  const form = el("form", "smartcrm-chat__form");
  const label = el("label", "smartcrm-chat__sr", t("label"));
  label.htmlFor = "smartcrm-chat-input";
  const input = el("textarea", "smartcrm-chat__input");
  input.id = "smartcrm-chat-input";
  input.name = "message";
  input.rows = 2;
  input.maxLength = 4000;
  input.placeholder = t("placeholder");
  const send = el("button", "smartcrm-chat__send", t("send"));
  send.type = "submit";
  // A photo of the damage, a voice message: checked by its bytes on the server (images re-encoded
  // without their location, SVG, HTML and programs refused with the reason shown here).
  const fileInput = el("input", "smartcrm-chat__file-input");
  fileInput.type = "file";
  fileInput.id = "smartcrm-chat-file";
  fileInput.accept = "image/*,audio/*,text/plain";
  fileInput.hidden = true;
  fileInput.tabIndex = -1;
  const attach = el("button", "smartcrm-chat__attach", "\u{1F4CE}");
  attach.type = "button";
  attach.setAttribute("aria-label", t("attach"));
  attach.title = t("attach");
  form.append(label, input, fileInput, attach, send);

  panel.append(head, log, status, form);
  root.append(panel, launcher);

  function showMessage(message) {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    lastId = Math.max(lastId, message.id);
    const item = el("li", `smartcrm-chat__msg smartcrm-chat__msg--${message.speaker}`);
    item.dataset.id = String(message.id);
    item.append(el("span", "smartcrm-chat__who", t(message.speaker)));
    item.append(el("p", "smartcrm-chat__text", message.body));
    if (message.citations && message.citations.length) {
      const sources = el("div", "smartcrm-chat__sources");
      sources.append(el("span", "smartcrm-chat__sources-label", t("sources")));
      const list = el("ul", "smartcrm-chat__source-list");
      for (const citation of message.citations) {
        list.append(el("li", "smartcrm-chat__source", citation.title));
      }
      sources.append(list);
      item.append(sources);
    }
    log.append(item);
    log.scrollTop = log.scrollHeight;
    if (message.speaker === "agent" && panel.hidden) badge.hidden = false;
  }

  function showAll(messages) {
    for (const message of messages) showMessage(message);
  }

  // A file the visitor sent: its name only (the file itself stays with the shop).
  function showFile(file) {
    if (shownFiles.has(file.id)) return;
    shownFiles.add(file.id);
    const item = el("li", "smartcrm-chat__msg smartcrm-chat__msg--customer smartcrm-chat__msg--file");
    item.dataset.fileId = String(file.id);
    item.append(
      el("span", "smartcrm-chat__who", t("customer")),
      el("p", "smartcrm-chat__text", t("fileSent", { name: file.name })),
    );
    log.append(item);
    log.scrollTop = log.scrollHeight;
  }

  // After a reload: the messages and the files sent, in the order they came.
  function showHistory(messages, files) {
    const entries = [
      ...messages.map((message) => [Date.parse(message.created_at), () => showMessage(message)]),
      ...files.map((file) => [Date.parse(file.created_at), () => showFile(file)]),
    ];
    entries.sort((a, b) => a[0] - b[0]);
    for (const [, show] of entries) show();
  }

  function setState(next) {
    state = next;
    root.dataset.state = next;
    if (next === "handed_off" && !status.textContent) status.textContent = t("handedOff");
  }

  // -- the API -----------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body, retryAfter) {
      super(`chat API answered ${status}`);
      this.status = status;
      this.body = body;
      this.retryAfter = retryAfter;
    }
  }

  async function call(method, path, body) {
    const headers = { Accept: "application/json" };
    const multipart = body instanceof FormData; // the browser sets its Content-Type and boundary
    if (body !== undefined && !multipart) headers["Content-Type"] = "application/json";
    if (token) headers["X-Chat-Token"] = token;
    const response = await fetch(`${api}${path}`, {
      method,
      headers,
      body: body === undefined || multipart ? body : JSON.stringify(body),
      credentials: "omit",
      mode: "cors",
      cache: "no-store",
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      throw new ApiError(response.status, data, Number(response.headers.get("Retry-After")) || 0);
    }
    return data;
  }

  function explain(error) {
    if (!(error instanceof ApiError)) return t("offline");
    if (error.status === 429) {
      pausedUntil = Date.now() + error.retryAfter * 1000;
      return t("limited", { s: error.retryAfter });
    }
    if (error.status === 422 && error.body && Array.isArray(error.body.detail) && error.body.detail[0]) {
      return String(error.body.detail[0].msg);
    }
    return t("failed");
  }

  async function start() {
    const body = { language: pageLanguage.slice(0, 35) };
    let conversation;
    try {
      const signedIn = identityToken ? { ...body, identity_token: identityToken } : body;
      conversation = await call("POST", "/conversations", signedIn);
    } catch (error) {
      // An expired sign-in on a cached page: chat anyway, as a visitor not signed in.
      if (!(identityToken && error instanceof ApiError && error.status === 422)) throw error;
      conversation = await call("POST", "/conversations", body);
    }
    token = conversation.token;
    keep(storageKey, token);
    setState(conversation.state);
  }

  async function reopen() {
    try {
      const conversation = await call("GET", "/conversation");
      setState(conversation.state);
      showHistory(conversation.messages, conversation.files || []);
      if (identityToken && !conversation.identified) {
        await call("POST", "/conversation/identity", { token: identityToken }).catch(() => undefined);
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        token = ""; // gone (or from another shop): the next message starts a new one
        keep(storageKey, "");
      } else {
        status.textContent = explain(error);
      }
    }
  }

  async function poll() {
    pollTimer = 0;
    if (token && !busy && Date.now() >= pausedUntil) {
      try {
        const update = await call("GET", `/conversation/messages?after=${lastId}`);
        setState(update.state);
        showAll(update.messages);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          token = "";
          keep(storageKey, "");
        } else if (error instanceof ApiError && error.status === 429) {
          explain(error);
        }
      }
    }
    schedule();
  }

  function schedule() {
    if (pollTimer || !token) return;
    const open = !panel.hidden;
    if (!open && state !== "handed_off") return;
    const wait = Math.max(open ? POLL_OPEN_MS : POLL_CLOSED_MS, pausedUntil - Date.now());
    pollTimer = window.setTimeout(poll, wait);
  }

  async function submit(text) {
    if (busy) return;
    if (Date.now() < pausedUntil) {
      status.textContent = t("limited", { s: Math.ceil((pausedUntil - Date.now()) / 1000) });
      return;
    }
    busy = true;
    send.disabled = true;
    status.textContent = t("sending");
    const pending = el("li", "smartcrm-chat__msg smartcrm-chat__msg--customer smartcrm-chat__msg--pending");
    pending.append(el("span", "smartcrm-chat__who", t("customer")), el("p", "smartcrm-chat__text", text));
    log.append(pending);
    log.scrollTop = log.scrollHeight;
    try {
      if (!token || state === "closed") await start(); // a closed one takes no more messages
      const turn = await call("POST", "/conversation/messages", { text });
      pending.remove();
      input.value = "";
      status.textContent = "";
      setState(turn.state);
      showAll(turn.messages);
    } catch (error) {
      pending.remove();
      status.textContent = explain(error);
    } finally {
      busy = false;
      send.disabled = false;
      input.focus();
      schedule();
    }
  }

  async function sendFile(file) {
    if (busy) return;
    if (file.size > MAX_FILE_MB * 1024 * 1024) {
      status.textContent = t("fileTooLarge", { mb: MAX_FILE_MB });
      return;
    }
    if (file.size === 0) {
      status.textContent = t("fileEmpty");
      return;
    }
    busy = true;
    send.disabled = attach.disabled = true;
    status.textContent = t("sending");
    try {
      if (!token || state === "closed") await start();
      const body = new FormData();
      body.append("file", file, file.name);
      showFile(await call("POST", "/conversation/files", body));
      status.textContent = "";
    } catch (error) {
      status.textContent = explain(error);
    } finally {
      busy = false;
      send.disabled = attach.disabled = false;
      fileInput.value = "";
      attach.focus();
      schedule();
    }
  }

  // -- behaviour ---------------------------------------------------------------------------

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    root.classList.toggle("smartcrm-chat--open", open);
    keep(`${storageKey}:open`, open ? "1" : "");
    if (open) {
      badge.hidden = true;
      input.focus();
      log.scrollTop = log.scrollHeight;
    }
    window.clearTimeout(pollTimer);
    pollTimer = 0;
    schedule();
  }

  launcher.addEventListener("click", () => setOpen(panel.hidden));
  close.addEventListener("click", () => {
    setOpen(false);
    launcher.focus();
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      setOpen(false);
      launcher.focus();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text) submit(text);
  });
  attach.addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", () => {
    if (fileInput.files && fileInput.files[0]) sendFile(fileInput.files[0]);
  });
  input.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter is a new line (and an input method's Enter is left alone).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  const stylesheet = document.createElement("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = new URL("chat.css", script.src).href;
  const reveal = () => {
    root.hidden = false;
  };
  stylesheet.addEventListener("load", reveal);
  stylesheet.addEventListener("error", reveal);
  document.head.append(stylesheet);

  // The texts set while building, set again in the page's language once its strings are in.
  const labelled = [
    [launcher.firstChild, "textContent", "launcher"],
    [badge, "textContent", "unread"],
    [title, "textContent", "title"],
    [greeting.firstChild, "textContent", "assistant"],
    [greeting.lastChild, "textContent", "greeting"],
    [label, "textContent", "label"],
    [input, "placeholder", "placeholder"],
    [send, "textContent", "send"],
  ];

  const mount = async () => {
    await loadStrings();
    for (const [node, property, key] of labelled) node[property] = t(key);
    close.setAttribute("aria-label", t("close"));
    log.setAttribute("aria-label", t("title"));
    document.body.append(root);
    if (token) await reopen();
    if (token && read(`${storageKey}:open`)) setOpen(true);
    else schedule();
  };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
