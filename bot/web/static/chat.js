// The customer web chat widget: session, websocket with resend and reconnect, HTTP fallback.
(() => {
  "use strict";
  const TOKEN_KEY = "complaintbot.token";
  const LOCALE_KEY = "complaintbot.locale";
  const TEXT = {
    "zh-CN": { title: "在线客服", send: "发送", placeholder: "请输入您要反映的问题…", connected: "已连接",
      reconnecting: "正在重新连接…", polling: "已连接(兼容模式)", connecting: "连接中…", pending: "发送中…",
      customer: "我", bot: "客服机器人", agent: "人工客服", system: "系统" },
    en: { title: "Online service", send: "Send", placeholder: "Tell us what went wrong…", connected: "connected",
      reconnecting: "reconnecting…", polling: "connected (fallback)", connecting: "connecting…", pending: "sending…",
      customer: "Me", bot: "Bot", agent: "Agent", system: "System" },
  };
  const list = document.getElementById("chat-messages");
  const input = document.getElementById("chat-input");
  const form = document.getElementById("chat-form");
  const status = document.getElementById("chat-status");
  const localeSelect = document.getElementById("chat-locale");

  let locale = localStorage.getItem(LOCALE_KEY) || "zh-CN";
  let token = localStorage.getItem(TOKEN_KEY);
  let socket = null;
  let failures = 0;
  let backoff = 500;
  let lastId = 0;
  let pollTimer = null;
  const shown = new Set();        // server message ids already on screen
  const unacked = new Map();      // client id -> text, resent after a reconnect

  const t = (key) => (TEXT[locale] || TEXT["zh-CN"])[key];
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() :
    "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));

  function applyLocale() {
    document.documentElement.lang = locale;
    document.getElementById("chat-title").textContent = t("title");
    document.getElementById("chat-send").textContent = t("send");
    input.placeholder = t("placeholder");
    localeSelect.value = locale;
    setStatus(status.dataset.state || "connecting");
  }

  function setStatus(state) {
    status.dataset.state = state;
    status.textContent = t(state);
  }

  function clock(iso) {
    const date = iso ? new Date(iso) : new Date();
    return date.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  }

  function render(from, text, ts) {
    const item = document.createElement("li");
    item.className = `msg msg-${from}`;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = `${t(from) || from} ${clock(ts)}`;
    const body = document.createElement("span");
    body.className = "body";
    body.textContent = text;   // always text: customer input is never markup
    item.append(meta, body);
    return item;
  }

  function show(frame) {
    if (shown.has(frame.id)) return;
    shown.add(frame.id);
    lastId = Math.max(lastId, Number(frame.id) || 0);
    const item = render(frame.from, frame.text, frame.ts);
    item.dataset.id = frame.id;
    // Our own message comes back from the server: it replaces the pending copy.
    const pending = frame.client_id && list.querySelector(`.pending[data-client-id="${frame.client_id}"]`);
    if (pending) pending.replaceWith(item); else list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  function showPending(clientId, text) {
    const item = render("customer", text);
    item.classList.add("pending");
    item.dataset.clientId = clientId;
    item.querySelector(".meta").textContent = `${t("customer")} · ${t("pending")}`;
    list.append(item);
    list.scrollTop = list.scrollHeight;
  }

  function acked(clientId) {
    unacked.delete(clientId);
    const item = list.querySelector(`.pending[data-client-id="${clientId}"]`);
    if (item) {
      item.classList.remove("pending");
      item.querySelector(".meta").textContent = `${t("customer")} ${clock()}`;
    }
  }

  async function startSession() {
    const body = { locale };
    if (token) body.token = token;
    let response = await fetch("/chat/session", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) });
    if (response.status === 401) {
      token = null;
      localStorage.removeItem(TOKEN_KEY);
      response = await fetch("/chat/session", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ locale }) });
    }
    if (!response.ok) throw new Error(`session failed: ${response.status}`);
    token = (await response.json()).token;
    localStorage.setItem(TOKEN_KEY, token);
  }

  function connect(onOpen) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/chat/ws?token=${encodeURIComponent(token)}`);
    let historyDone = false;
    socket.onopen = () => {
      failures = 0;
      backoff = 500;
      setStatus("connected");
      for (const [id, text] of unacked) socket.send(JSON.stringify({ type: "message", id, text }));
    };
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "message") show(frame);
      else if (frame.type === "ack") acked(frame.id);
      else if (frame.type === "error") console.warn("chat:", frame.message);
      if (!historyDone) { historyDone = true; if (onOpen) onOpen(); }
    };
    socket.onclose = () => {
      socket = null;
      failures += 1;
      if (failures >= 3) { startPolling(); if (onOpen) onOpen(); return; }
      setStatus("reconnecting");
      setTimeout(() => connect(onOpen), backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  function authHeaders() {
    return { "Content-Type": "application/json", Authorization: `Bearer ${token}` };
  }

  async function poll() {
    try {
      const response = await fetch(`/chat/messages?after=${lastId}`, { headers: authHeaders() });
      if (response.ok) (await response.json()).messages.forEach(show);
    } catch (error) { /* the next poll tries again */ }
  }

  function startPolling() {
    if (pollTimer) return;
    setStatus("polling");
    poll();
    pollTimer = setInterval(poll, 2000);
    for (const [id, text] of unacked) postMessage(id, text);
  }

  async function postMessage(id, text) {
    try {
      const response = await fetch("/chat/messages", { method: "POST", headers: authHeaders(),
        body: JSON.stringify({ id, text }) });
      if (response.ok) { acked(id); poll(); }
    } catch (error) { /* kept in unacked; resent on the next attempt */ }
  }

  function send(text) {
    const id = uuid();
    unacked.set(id, text);
    showPending(id, text);
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "message", id, text }));
    } else if (pollTimer) {
      postMessage(id, text);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  localeSelect.addEventListener("change", () => {
    locale = localeSelect.value;
    localStorage.setItem(LOCALE_KEY, locale);
    applyLocale();
  });

  applyLocale();
  window.complaintChat = {
    ready: startSession().then(() => new Promise((resolve) => connect(resolve))),
  };
})();
