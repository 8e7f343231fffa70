// Customer web chat: session, websocket with resend and reconnect, HTTP polling fallback.
(() => {
  "use strict";

  const TOKEN_KEY = "complaintbot.token";
  const LOCALE_KEY = "complaintbot.locale";
  const OUTBOX_KEY = "complaintbot.outbox";  // messages not yet stored, kept across a reload
  const BACKOFF_MIN = 500;
  const BACKOFF_MAX = 10000;
  const POLL_MS = 2000;
  const FAILURES_BEFORE_POLLING = 3;
  const SENDERS = ["customer", "bot", "agent", "system"];

  const STRINGS = {
    "zh-CN": {
      title: "在线客服", send: "发送", placeholder: "请输入您要反映的问题…", input: "消息",
      connecting: "正在连接…", connected: "已连接", reconnecting: "正在重新连接…",
      offline: "网络已断开，恢复后自动发送", waiting: "等待发送", tooLong: "超出{max}字，请分段发送",
      pending: "发送中…", failed: "未发送", typing: "客服正在输入",
      customer: "我", bot: "客服机器人", agent: "人工客服", system: "系统",
      attach: "发送照片", attachShort: "照片", photo: "[照片]", photoTooBig: "照片太大，请发送小一些的照片。", photoQuota: "抱歉，您今天发送的照片已达上限，这张没有收到。请用文字描述，或明天再发。",
      photoNotImage: "只能发送照片（JPEG、PNG、GIF 或 WebP）。", photoFailed: "照片未发送，请重试。",
      tooFast: "您发送得太快了，稍后会自动为您发送。",
      photoLater: "照片较多，稍后会自动为您发送。",
      closed: "对话已结束，如需帮助请发送新消息",
      busy: "当前网络的咨询人数较多，暂时无法连接，请稍后再试（将自动重试）", refused: "无法从当前页面连接在线客服，请直接访问客服页面",
    },
    // Traditional characters: the service answers from its Chinese phrases, shown in this script.
    "zh-TW": {
      title: "線上客服", send: "傳送", placeholder: "請輸入您要反映的問題…", input: "訊息",
      connecting: "正在連線…", connected: "已連線", reconnecting: "正在重新連線…",
      offline: "網路已中斷，恢復後自動傳送", waiting: "等待傳送", tooLong: "超出{max}字，請分段傳送",
      pending: "傳送中…", failed: "未傳送", typing: "客服正在輸入",
      customer: "我", bot: "客服機器人", agent: "真人客服", system: "系統",
      attach: "傳送照片", attachShort: "照片", photo: "[照片]", photoTooBig: "照片太大，請傳送小一點的照片。", photoQuota: "抱歉，您今天傳送的照片已達上限，這張沒有收到。請用文字描述，或明天再傳。",
      photoNotImage: "只能傳送照片（JPEG、PNG、GIF 或 WebP）。", photoFailed: "照片未傳送，請重試。",
      tooFast: "您傳送得太快了，稍後會自動為您傳送。",
      photoLater: "照片較多，稍後會自動為您傳送。",
      closed: "對話已結束，如需協助請傳送新訊息",
      busy: "目前網路的諮詢人數較多，暫時無法連線，請稍後再試（將自動重試）", refused: "無法從目前頁面連線線上客服，請直接前往客服頁面",
    },
    en: {
      title: "Online service", send: "Send", placeholder: "Tell us what went wrong…", input: "Message",
      connecting: "connecting…", connected: "connected", reconnecting: "reconnecting…",
      offline: "offline: your messages will go once the network is back", waiting: "waiting to send",
      tooLong: "Over {max} characters: please send it in parts.",
      pending: "sending…", failed: "not sent", typing: "typing",
      customer: "You", bot: "Bot", agent: "Agent", system: "System",
      attach: "Send a photo", attachShort: "Photo", photo: "[photo]", photoTooBig: "That photo is too large: please send a smaller one.", photoQuota: "Sorry, you have sent as many photos as we can take today; this one was not received. Please describe it in words, or send it tomorrow.",
      photoNotImage: "Only photos can be sent (JPEG, PNG, GIF or WebP).", photoFailed: "The photo was not sent: please try again.",
      tooFast: "You are sending faster than we can take: your message will go in a moment.",
      photoLater: "Many photos are arriving: yours will go in a moment.",
      closed: "This conversation has ended. Send a new message if you need help.",
      busy: "Too many chats from your network right now: please try again later (we will keep trying).",
      refused: "The chat cannot be opened from this page: please visit our service page directly.",
    },
  };

  // localStorage throws when storage is disabled (some private modes); the chat still works without it.
  const storage = {
    get: (key) => { try { return localStorage.getItem(key); } catch { return null; } },
    set: (key, value) => { try { localStorage.setItem(key, value); } catch { /* not persisted */ } },
    remove: (key) => { try { localStorage.removeItem(key); } catch { /* nothing to remove */ } },
  };

  const $ = (id) => document.getElementById(id);
  const list = $("chat-messages");
  const input = $("chat-input");
  const form = $("chat-form");
  const status = $("chat-status");
  const notice = $("chat-notice");
  const localeSelect = $("chat-locale");
  const typing = $("chat-typing");
  const counter = $("chat-count");

  // The language a new conversation starts in: the customer's own pick in this browser, else the
  // page's (<html data-chat-locale="en">), else the browser's; null leaves it to the service default.
  // Chinese of Taiwan, Hong Kong and Macau (zh-TW, zh-HK, zh-MO, zh-Hant…) reads traditional characters.
  function browserLocale() {
    for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language]) {
      const [language, variant] = String(tag || "").toLowerCase().split("-");
      if (language === "zh") return ["hant", "tw", "hk", "mo"].includes(variant) ? "zh-TW" : "zh-CN";
      if (language === "en") return "en";
    }
    return null;
  }
  const known = (value) => (STRINGS[value] ? value : null);
  // issue 15 (widget): /chat?embed=1 is the widget's frame; the host page may name its language.
  const query = new URLSearchParams(location.search);
  if (query.get("embed") === "1") document.documentElement.classList.add("embed");
  let requested =
    known(storage.get(LOCALE_KEY)) ?? known(query.get("locale")) ??
    known(document.documentElement.dataset.chatLocale) ?? browserLocale();
  let locale = requested ?? "zh-CN";  // the widget's own labels until the service names its default
  let token = storage.get(TOKEN_KEY);
  let socket = null;
  let everConnected = false;
  let failures = 0;            // websocket attempts in a row that never opened
  let backoff = BACKOFF_MIN;
  let reconnectTimer = null;
  let pollRun = null;          // identifies the running poll loop; null when not polling
  let lastId = 0;              // highest server message id seen
  let noticeTimer = null;
  let restarting = false;
  let maxChars = 2000;         // the service's limit (max_text_chars), as its session answer says
  const shown = new Map();     // server message id -> element
  const local = new Map();     // client id -> element of our own message the server has not echoed yet
  const outbox = new Map();    // client id -> {text, ts}, until acked; resent with the same id after a reconnect
  const posting = new Set();   // client ids with a fallback POST in flight

  const t = (key) => STRINGS[locale][key] ?? key;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();  // only exists in secure contexts (https, localhost)
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // issue 15 (widget): times in the browser's zone, short: "14:05" today, "11月23日 14:05" before.
  function when(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return { short: "", full: "" };
    const today = new Date().toDateString() === date.toDateString();
    const time = locale === "en"
      ? { hour: "numeric", minute: "2-digit", hourCycle: "h12" }
      : { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    const short = new Intl.DateTimeFormat(locale, today ? time : { month: "short", day: "numeric", ...time });
    const full = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short" });
    return { short: short.format(date), full: full.format(date) };
  }

  // issue 15 (widget): "…" while the bot is answering, from sending until a reply arrives.
  const TYPING_MAX_MS = 20000;  // an agent may not answer at once: stop pretending after this
  let typingTimer = null;
  function showTyping() {
    keepBottom(() => { typing.hidden = false; });
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_MAX_MS);
  }
  function hideTyping() {
    clearTimeout(typingTimer);
    keepBottom(() => {
      typingWho.remove();  // issue 15 (typing)
      if (!typing.hidden) typing.hidden = true;
    });
  }

  // issue 15 (typing): while the agent types, the server sends {"type": "typing", "from": "agent"}
  // every 2.5 s or so: "客服正在输入…" for a few seconds. The customer's own typing goes out as
  // {"type": "typing"} at most every 2.5 s (the server drops closer ones), never over the fallback.
  const AGENT_TYPING_MS = 6000;
  const TYPING_EVERY_MS = 2500;
  const typingWho = document.createElement("span");
  typingWho.className = "chat-typing-who";
  let typingSentAt = 0;
  function agentTyping() {
    typingWho.textContent = t("typing");
    keepBottom(() => {
      if (!typingWho.isConnected) typing.prepend(typingWho);
      typing.hidden = false;
    });
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, AGENT_TYPING_MS);
  }
  function customerTyping() {
    if (!input.value.trim() || !socket || socket.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    if (now - typingSentAt < TYPING_EVERY_MS) return;
    typingSentAt = now;
    socket.send(JSON.stringify({ type: "typing" }));
  }
  input.addEventListener("input", customerTyping);

  // ---- UI -------------------------------------------------------------------------------------

  // The customer sees connected, reconnecting or offline; how the messages travel is not their concern.
  function setStatus(state) {
    if (!navigator.onLine) state = "offline";
    status.dataset.state = state;
    status.textContent = t(state === "reconnecting" && !everConnected ? "connecting" : state);
  }

  function showNotice(text) {
    keepBottom(() => {
      notice.textContent = text;
      notice.hidden = false;
    });
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => keepBottom(() => { notice.hidden = true; }), 8000);
  }

  // Whatever appears or goes under the list shrinks or grows it: the newest message stays in view.
  function keepBottom(change) {
    const follow = nearBottom();
    change();
    if (follow) list.scrollTop = list.scrollHeight;
  }

  function applyLocale() {
    document.documentElement.lang = locale;
    document.title = t("title");
    $("chat-title").textContent = t("title");
    $("chat-send").textContent = t("send");
    $("chat-attach").textContent = t("attachShort");  // issue 15 (photos)
    $("chat-attach").title = t("attach");
    input.placeholder = t("placeholder");
    input.setAttribute("aria-label", t("input"));
    typing.setAttribute("aria-label", t("typing"));
    localeSelect.value = locale;
    setStatus(status.dataset.state);
    countInput();
    for (const el of list.children) {
      relabel(el);
      setTime(el, el.querySelector(".msg-time").dateTime);
    }
  }

  function relabel(el) {
    el.querySelector(".msg-from").textContent = t(el.dataset.from);
    const state = ["failed", "waiting", "pending"].find((name) => el.classList.contains(name)) ?? "";
    el.querySelector(".msg-state").textContent = state && t(state);
    const ended = el.querySelector(".msg-closed");
    if (ended) ended.textContent = t("closed");
  }

  // The message that ended the conversation (the frame's "closes"): a divider under it says so;
  // whatever the customer writes next starts a new conversation.
  function markClosed(el) {
    if (el.querySelector(".msg-closed")) return;
    const divider = document.createElement("div");
    divider.className = "msg-closed";
    divider.setAttribute("role", "separator");
    divider.textContent = t("closed");
    el.classList.add("msg-closes");
    el.append(divider);
  }

  function render(from, text, ts, id) {
    const el = document.createElement("li");
    from = SENDERS.includes(from) ? from : "system";
    el.className = `msg msg-${from}`;
    el.dataset.from = from;
    el.dataset.id = id;
    const meta = document.createElement("div");
    meta.className = "msg-meta";
    const sender = document.createElement("span");
    sender.className = "msg-from";
    const time = document.createElement("time");
    time.className = "msg-time";
    const state = document.createElement("span");
    state.className = "msg-state";
    const body = document.createElement("div");
    body.className = "msg-text";
    body.textContent = text;  // always text: customer input must never become markup
    meta.append(sender, time, state);
    el.append(meta, body);
    setTime(el, ts);
    relabel(el);
    return el;
  }

  function setTime(el, ts) {
    const time = el.querySelector(".msg-time");
    time.dateTime = ts;
    const said = when(ts);
    time.textContent = said.short;
    time.title = said.full;
  }

  const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 80;

  // Keep the list in server order, with our own not-yet-stored messages last: a reply can arrive
  // before the echo of the message it answers, and history missed while offline arrives late.
  function place(el, id) {
    let before = null;
    for (let node = list.lastElementChild; node; node = node.previousElementSibling) {
      if (node === el) continue;
      if (!node.classList.contains("local") && Number(node.dataset.id) < id) break;
      before = node;
    }
    list.insertBefore(el, before);
  }

  // ---- messages -------------------------------------------------------------------------------

  function receive(message) {
    if (shown.has(message.id)) return;
    const follow = nearBottom();
    const id = Number(message.id) || 0;
    if (message.from !== "customer") hideTyping();
    lastId = Math.max(lastId, id);
    let el = message.client_id && local.get(message.client_id);
    if (el) {
      // Our own message, now stored: the pending copy becomes the real one.
      acked(message.client_id);
      local.delete(message.client_id);
      el.classList.remove("local");
      el.dataset.id = message.id;
      setTime(el, message.ts);
    } else {
      el = render(message.from, message.text, message.ts, message.id);
      addOptions(el, message.options);
      if (message.media) showPhotos(el, message.media);  // issue 15 (photos)
      if (message.closes === true) markClosed(el);
    }
    shown.set(message.id, el);
    place(el, id);
    pruneOptions();
    if (follow) list.scrollTop = list.scrollHeight;
  }

  // Quick replies: the options a bot message offers, as buttons under it; a click sends the
  // option's value as the customer's message. Only the newest message keeps its buttons.
  function addOptions(el, options) {
    if (!Array.isArray(options) || options.length === 0) return;
    const group = document.createElement("div");
    group.className = "msg-options";
    group.setAttribute("role", "group");
    for (const option of options) {
      if (!option || typeof option.value !== "string") continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "msg-option";
      button.textContent = typeof option.label === "string" ? option.label : option.value;
      button.dataset.value = option.value;
      button.addEventListener("click", () => {
        group.remove();
        send(option.value);
      });
      group.append(button);
    }
    el.append(group);
  }

  function pruneOptions() {
    for (const group of list.querySelectorAll(".msg-options")) {
      if (group.parentElement !== list.lastElementChild) group.remove();
    }
  }

  // Stored: the bot is answering it now ("…" until its reply), not while it still travels.
  function acked(clientId) {
    if (unqueue(clientId)) showTyping();
    const el = local.get(clientId);
    if (el && el.classList.contains("pending")) {
      el.classList.remove("pending", "waiting");
      relabel(el);
    }
  }

  function rejected(clientId, reason) {
    unqueue(clientId);
    const el = local.get(clientId);
    if (el) {
      el.classList.remove("waiting");
      el.classList.replace("pending", "failed");
      relabel(el);
    }
    if (reason) showNotice(reason);
  }

  // A message "waiting" has not left the browser (no connection); "pending" ones are on their way.
  function setWaiting(clientId, waiting) {
    const el = local.get(clientId);
    if (el && el.classList.contains("pending") && el.classList.contains("waiting") !== waiting) {
      el.classList.toggle("waiting", waiting);
      relabel(el);
    }
  }

  // The outbox is kept in localStorage with the session's token, so a reload or a closed tab
  // loses nothing: what was not stored is shown and sent again, with the same ids, on the next visit.
  function queue(clientId, text, ts) {
    outbox.set(clientId, { text, ts });
    saveOutbox();
  }

  function unqueue(clientId) {
    const had = outbox.delete(clientId);
    if (had) saveOutbox();
    return had;
  }

  function saveOutbox() {
    if (outbox.size === 0) storage.remove(OUTBOX_KEY);
    else storage.set(OUTBOX_KEY, JSON.stringify({ token, messages: [...outbox].map(([id, m]) => ({ id, ...m })) }));
  }

  function loadOutbox() {
    try {
      const saved = JSON.parse(storage.get(OUTBOX_KEY) ?? "null");
      if (!saved || saved.token !== token || !Array.isArray(saved.messages)) return;
      for (const m of saved.messages) {
        if (typeof m?.id === "string" && typeof m.text === "string") outbox.set(m.id, { text: m.text, ts: String(m.ts) });
      }
    } catch { /* unreadable: nothing to send again */ }
  }

  // The outbox's messages as the customer's own, waiting, after a reload or a new session.
  function showOutbox() {
    for (const [id, { text, ts }] of outbox) {
      if (local.has(id)) continue;
      const el = render("customer", text, ts, id);
      el.classList.add("pending", "waiting", "local");
      relabel(el);
      local.set(id, el);
      list.append(el);
    }
  }

  // Sent faster than the server takes (it stored nothing): sent again when it says, still pending.
  function later(clientId, seconds) {
    showNotice(t("tooFast"));
    setTimeout(() => { if (outbox.has(clientId)) transmit(clientId); }, seconds * 1000);
  }

  function handle(frame) {
    if (frame.type === "message") receive(frame);
    else if (frame.type === "ack") acked(frame.id);
    else if (frame.type === "error" && frame.retry_after && outbox.has(frame.id)) later(frame.id, frame.retry_after);
    else if (frame.type === "error") showNotice(frame.message);
    else if (frame.type === "typing" && frame.from === "agent") agentTyping();  // issue 15 (typing)
  }

  function send(text) {
    const id = uuid();
    const ts = new Date().toISOString();
    const el = render("customer", text, ts, id);
    el.classList.add("pending", "local");
    relabel(el);
    local.set(id, el);
    queue(id, text, ts);
    list.append(el);
    pruneOptions();
    list.scrollTop = list.scrollHeight;
    transmit(id);
  }

  // Without a socket or the fallback the message waits in the outbox for the next connection.
  function transmit(id) {
    const { text } = outbox.get(id);
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "message", id, text }));
      setWaiting(id, false);
    } else if (pollRun && navigator.onLine) postMessage(id, text);
    else setWaiting(id, true);
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  class HttpError extends Error {
    constructor(response, body) {
      super((body && (body.error || body.message)) || `HTTP ${response.status}`);
      this.status = response.status;
      this.retryAfter = Number(response.headers.get("Retry-After")) || 0;
    }
  }

  async function request(method, path, body, auth = true) {
    const headers = {};
    if (body) headers["Content-Type"] = "application/json";
    if (auth) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(path, { method, headers, body: body && JSON.stringify(body) });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new HttpError(response, data);
    return data;
  }

  function sessionBody() {
    const body = requested ? { locale: requested } : {};
    if (token) body.token = token;
    return body;
  }

  async function openSession() {
    let data;
    try {
      data = await request("POST", "/chat/session", sessionBody(), false);
    } catch (error) {
      if (error.status !== 401) throw error;
      token = null;  // unknown token: start a fresh conversation
      storage.remove(TOKEN_KEY);
      data = await request("POST", "/chat/session", sessionBody(), false);
    }
    token = data.token;
    if (Number.isInteger(data.max_text_chars)) maxChars = data.max_text_chars;
    if (!requested && known(data.locale)) {
      locale = data.locale;
      applyLocale();
    }
    storage.set(TOKEN_KEY, token);
  }

  async function fetchNew() {
    const data = await request("GET", `/chat/messages?after=${lastId}`);
    data.messages.forEach(receive);
  }

  // A socket replays only the newest messages, and says so when it left older ones out ({"type":
  // "history", "more": true, "before": "<the oldest id it replays>"}): any between the last one
  // shown before it opened and those are fetched here, a page at a time.
  async function catchUp(after, before) {
    try {
      while (after < before) {
        const data = await request("GET", `/chat/messages?after=${after}`);
        data.messages.forEach(receive);
        const next = Math.max(after, ...data.messages.map((message) => Number(message.id) || 0));
        if (next === after) return;
        after = next;
      }
    } catch (error) {
      console.warn("chat: catching up failed", error);
    }
  }

  // Retries until the server answers, so a page opened during an outage still comes up. Refused
  // (too many sessions from this address, or a page on another site), it says so rather than
  // "connecting…" forever, and waits as long as the server asks.
  async function retrying(task) {
    for (let delay = BACKOFF_MIN; ; delay = Math.min(delay * 2, BACKOFF_MAX)) {
      try {
        return await task();
      } catch (error) {
        console.warn("chat:", error);
        setStatus(error.status === 429 ? "busy" : error.status === 403 ? "refused" : "reconnecting");
        await sleep(Math.max(delay, (error.retryAfter || 0) * 1000));
      }
    }
  }

  // ---- websocket ------------------------------------------------------------------------------

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (!navigator.onLine) {  // "online" connects at once; this is in case it never fires
      setStatus("offline");
      reconnectTimer = setTimeout(connect, BACKOFF_MAX);
      return;
    }
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/chat/ws?token=${encodeURIComponent(token)}`);
    const since = lastId;
    let opened = false;
    socket = ws;
    ws.onopen = () => {
      opened = true;
      everConnected = true;
      failures = 0;
      backoff = BACKOFF_MIN;
      stopPolling();
      setStatus("connected");
      for (const id of outbox.keys()) transmit(id);
    };
    ws.onmessage = (event) => {
      try {
        const frame = JSON.parse(event.data);
        // Nothing shown yet (since 0): start() shows the newest over HTTP, older ones are not shown.
        if (frame.type === "history") {
          if (frame.more && since > 0) catchUp(since, Number(frame.before) || 0);
        } else handle(frame);
      } catch (error) {
        console.warn("chat: bad frame", error);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;  // closed on purpose by a restart
      socket = null;
      for (const id of outbox.keys()) setWaiting(id, true);  // unacked: sent again once connected
      if (!opened && navigator.onLine) failures += 1;
      if (failures >= FAILURES_BEFORE_POLLING) startPolling();  // its polls say connected or not
      else setStatus("reconnecting");
      // Keep trying the socket even while polling; onopen switches back.
      reconnectTimer = setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, BACKOFF_MAX);
    };
  }

  // ---- HTTP fallback --------------------------------------------------------------------------

  function startPolling() {
    if (pollRun) return;
    const run = {};
    pollRun = run;
    (async () => {
      while (pollRun === run) {
        for (const id of outbox.keys()) transmit(id);
        try {
          await fetchNew();
          if (pollRun === run) setStatus("connected");
        } catch (error) {
          if (error.status === 401) return restart();
          console.warn("chat: poll failed", error);
          if (pollRun === run) setStatus("reconnecting");
        }
        await sleep(POLL_MS);
      }
    })();
  }

  function stopPolling() {
    pollRun = null;
  }

  async function postMessage(id, text) {
    if (posting.has(id)) return;
    posting.add(id);
    setWaiting(id, false);
    try {
      handle(await request("POST", "/chat/messages", { id, text }));
    } catch (error) {
      if (error.status === 401) restart();
      else if (error.status === 400) rejected(id, error.message);
      else if (error.status === 429) showNotice(t("tooFast"));
      else {  // still in the outbox: the next poll sends it again
        setWaiting(id, true);
        if (pollRun) setStatus("reconnecting");
      }
    } finally {
      posting.delete(id);
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async function start() {
    failures = 0;
    backoff = BACKOFF_MIN;
    showOutbox();
    await retrying(openSession);
    saveOutbox();  // under this session's token
    await retrying(fetchNew);
    list.scrollTop = list.scrollHeight;
    connect();
  }

  // The token stopped working (e.g. the server forgot it): start over with a new conversation;
  // what the customer had not sent yet goes in the new one.
  async function restart() {
    if (restarting) return;
    restarting = true;
    stopPolling();
    const ws = socket;
    socket = null;
    clearTimeout(reconnectTimer);
    if (ws) ws.close();
    token = null;
    storage.remove(TOKEN_KEY);
    list.replaceChildren();
    shown.clear();
    local.clear();
    lastId = 0;
    try {
      await start();
    } finally {
      restarting = false;
    }
  }

  // Code points, as the service counts (a maxlength would count an emoji twice, and cut silently).
  const length = (text) => [...text].length;
  const tooLong = () => t("tooLong").replace("{max}", maxChars);

  function countInput() {
    const count = length(input.value.trim());
    const over = count > maxChars;
    keepBottom(() => {
      counter.hidden = count < maxChars * 0.9;
      counter.textContent = over ? `${tooLong()} ${count}/${maxChars}` : `${count}/${maxChars}`;
    });
    counter.classList.toggle("over", over);
    input.setAttribute("aria-invalid", String(over));
  }

  function submit() {
    const text = input.value.trim();
    if (!text) return;
    if (length(text) > maxChars) {  // kept in the box, to be cut by the customer
      showNotice(tooLong());
      return;
    }
    input.value = "";
    fitInput();
    countInput();
    send(text);
    input.focus();
  }

  function fitInput() {
    input.style.height = "auto";
    input.style.height = `${input.scrollHeight + 2}px`;  // CSS max-height caps it
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    // Enter also confirms a candidate in Chinese input methods; only send outside composition.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener("input", () => {
    fitInput();
    countInput();
  });
  localeSelect.addEventListener("change", () => {
    locale = known(localeSelect.value) ?? locale;
    requested = locale;
    storage.set(LOCALE_KEY, locale);
    applyLocale();
  });
  window.addEventListener("online", () => {
    setStatus("reconnecting");
    if (reconnectTimer) connect();  // don't wait out the backoff once the network is back
  });
  // The browser knows at once; a socket would only notice when the server's pings go unanswered.
  window.addEventListener("offline", () => {
    const ws = socket;
    socket = null;
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
    stopPolling();
    hideTyping();  // no reply can arrive until the network is back
    for (const id of outbox.keys()) setWaiting(id, true);
    setStatus("offline");
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, BACKOFF_MAX);
  });

  // ---- photos (issue 15) ----------------------------------------------------------------------
  // A photo is uploaded over HTTP (POST /chat/media) and shown from /media/<id>/thumb, fetched with
  // the token (a plain <img src> could not send it) and shown from a blob: URL.

  async function photoUrl(path) {
    const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new HttpError(response, null);
    return URL.createObjectURL(await response.blob());
  }

  function photoBox(el) {
    let box = el.querySelector(".msg-photos");
    if (!box) {
      box = document.createElement("div");
      box.className = "msg-photos";
      const text = el.querySelector(".msg-text");
      // An agent's photo may come with a caption: it stays, under the photo.
      if (el.dataset.from === "agent" && text.textContent && text.textContent !== "[image]") text.before(box);
      else text.replaceChildren(box);
    }
    return box;
  }

  async function showPhotos(el, media) {
    const box = photoBox(el);
    box.replaceChildren();
    for (const photo of media) {
      const img = document.createElement("img");
      img.className = "msg-photo";
      img.alt = t("photo");
      img.dataset.media = photo.id;
      img.addEventListener("click", async () => window.open(await photoUrl(photo.url), "_blank", "noopener"));
      box.append(img);
      photoUrl(photo.thumb).then((url) => { img.src = url; }, () => { img.alt = t("photoFailed"); });
    }
  }

  // Photos go one after another (the server takes one upload per customer at once); one it was
  // too busy for (429 or 503 with Retry-After: nothing stored) is sent again by itself, same id.
  const PHOTO_TRIES = 5;
  let photosSent = Promise.resolve();

  function sendPhoto(file) {
    const id = uuid();
    const el = render("customer", t("photo"), new Date().toISOString(), id);
    el.classList.add("pending", "local");
    relabel(el);
    local.set(id, el);
    list.append(el);
    list.scrollTop = list.scrollHeight;
    photosSent = photosSent.then(() => uploadPhoto(id, el, file));
  }

  async function uploadPhoto(id, el, file) {
    for (let attempt = 1; ; attempt++) {
      const body = new FormData();
      body.append("id", id);
      body.append("file", file);
      try {
        const response = await fetch("/chat/media", { method: "POST", headers: { Authorization: `Bearer ${token}` }, body });
        const data = await response.json().catch(() => null);
        const wait = Number(response.headers.get("Retry-After"));
        if ((response.status === 429 || response.status === 503) && wait > 0 && attempt < PHOTO_TRIES) {
          showNotice(t("photoLater"));
          await sleep(wait * 1000);
          continue;
        }
        if (!response.ok) {
          const reason = data?.reason === "photo_quota"
            ? "photoQuota"
            : { 413: "photoTooBig", 415: "photoNotImage" }[response.status] ?? "photoFailed";
          rejected(id, t(reason));
          return;
        }
        acked(id);
        await showPhotos(el, data.media);
        list.scrollTop = list.scrollHeight;
        return;
      } catch {
        rejected(id, t("photoFailed"));
        return;
      }
    }
  }

  $("chat-attach").addEventListener("click", () => $("chat-file").click());
  $("chat-file").addEventListener("change", () => {
    const file = $("chat-file").files[0];
    $("chat-file").value = "";
    if (file) sendPhoto(file);
  });

  applyLocale();
  loadOutbox();
  window.complaintChat = { ready: start() };
})();
