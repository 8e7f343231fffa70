// Shared by the staff consoles: sign-in, the JSON API with the CSRF token, the live event socket,
// and el() — the only way these pages build DOM. Every piece of data goes in as a text node
// (node.append(string) / textContent), never as HTML.
"use strict";

const Staff = (() => {
  let csrf = null;
  let me = null;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = String(value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key in node && typeof value !== "string") node[key] = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function clear(node, ...children) {
    node.replaceChildren();
    for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false && child !== "") node.append(child instanceof Node ? child : String(child));
    return node;
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
    let response;
    try {
      response = await fetch(path, {
        method, headers, credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      return { status: 0, ok: false, data: { error: "网络错误 / network error" } };
    }
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    if (response.status === 401 && path !== "/api/login" && me) showLogin("登录已过期,请重新登录 / signed out");
    return { status: response.status, ok: response.ok, data };
  }

  // A panel whose endpoint is not there (404) says so instead of breaking the page.
  function unavailable(what) {
    return el("p", { class: "unavailable", text: `${what}:暂不可用 (not available)` });
  }

  // Staff work in the service's local time (config/service.yaml timezone), whatever the browser says.
  const TIME_ZONE = document.querySelector("meta[name=service-timezone]")?.content || "Asia/Shanghai";
  const timeParts = new Intl.DateTimeFormat("zh-CN", {
    timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });

  function formatTime(iso) {
    if (!iso) return "—";
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    const part = Object.fromEntries(timeParts.formatToParts(date).map((p) => [p.type, p.value]));
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
  }

  function formatClock(date) {
    return date.toLocaleTimeString("zh-CN", { timeZone: TIME_ZONE, hourCycle: "h23" });
  }

  // Names people read instead of the API's ids; anything unknown is shown as it is.
  const LABELS = {
    channel: { webchat: "网页客服", wechat: "微信", sms: "短信", telegram: "Telegram" },
    status: { open: "进行中", closed: "已结束", resolved: "已解决", in_progress: "处理中", reopened: "重新打开" },
    reason: {
      complaint: "投诉", threat: "威胁曝光/投诉", escalated: "升级", transfer: "转交", deadline_breached: "已超时",
      human_requested: "客户要求人工", customer_request: "客户要求人工", previous_owner: "首问负责",
      supervisor_requested: "客户要求主管", beyond_authority: "超出权限(赔偿等)",
    },
    tier: { standard: "普通客户", high_value: "高价值客户", vip: "VIP", group: "集团客户" },
    role: { agent: "客服", supervisor: "主管", manager: "经理" },
    grade: { simple: "简单", complex: "复杂" },
    delivery: {
      pending: "待发送", sending: "发送中", sent: "已发送", delivered: "已送达", read: "已读",
      failed: "发送失败", dead: "发送失败",
    },
    job: { deliver_message: "发送消息", fire_timer: "定时任务" },
    intent: {
      greeting: "问候", complaint: "投诉", status_query: "查询进度", question: "咨询", praise: "表扬", thanks: "致谢",
      apology: "致歉", suggestion: "建议", human: "要求人工", supervisor: "要求领导", out_of_scope: "非服务范围",
      harassment: "骚扰", yes: "肯定", no: "否定", refuse_contact: "不愿留电话", correction: "更正",
    },
    signal: {
      emotional: "情绪激动", media_legal: "媒体/法律", violence: "暴力威胁", staff_error: "员工差错", repeat: "重复投诉",
      elder: "老年人", compensation: "要求赔偿", prepared: "有备而来",
    },
    slot: { phone: "电话", name: "姓名", surname: "姓", honorific: "称呼", address: "地址", district: "区" },
    locale: { "zh-CN": "简体中文", "zh-TW": "繁体中文", en: "英文" },
  };

  function label(kind, value) {
    if (value === null || value === undefined || value === "") return "";
    return (LABELS[kind] || {})[value] || String(value);
  }

  function waitText(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes}分钟`;
    return `${Math.floor(minutes / 60)}小时${minutes % 60}分钟`;
  }

  let loginRoot = null;
  let onSignedIn = null;

  function showLogin(message) {
    me = null;
    csrf = null;
    document.getElementById("app").hidden = true;
    loginRoot.hidden = false;
    const error = loginRoot.querySelector(".error");
    error.textContent = message || "";
  }

  function buildLogin(title) {
    const error = el("p", { class: "error", role: "alert" });
    const username = el("input", { type: "text", id: "login-username", autocomplete: "username", placeholder: "用户名 / username" });
    const password = el("input", { type: "password", id: "login-password", autocomplete: "current-password", placeholder: "密码 / password" });
    const form = el("form", { class: "login", id: "login-form" },
      el("h1", { text: title }),
      username, password,
      el("button", { type: "submit", class: "primary", id: "login-submit", text: "登录 Sign in" }),
      error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await api("POST", "/api/login", { username: username.value, password: password.value });
      if (!result.ok) {
        error.textContent = result.data.error || `登录失败 (${result.status})`;
        return;
      }
      password.value = "";
      signedIn(result.data);
    });
    return form;
  }

  function signedIn(user) {
    me = { id: user.id, username: user.username, role: user.role };
    csrf = user.csrf_token;
    loginRoot.hidden = true;
    document.getElementById("app").hidden = false;
    onSignedIn(me);
  }

  async function boot(title, ready) {
    onSignedIn = ready;
    loginRoot = buildLogin(title);
    loginRoot.hidden = true;
    document.body.prepend(loginRoot);
    const result = await api("GET", "/api/me");
    if (result.ok) signedIn(result.data);
    else showLogin("");
  }

  async function signOut() {
    await api("POST", "/api/logout", {});
    events.close();
    showLogin("已退出 / signed out");
  }

  // The live socket: reconnects with backoff; after a reconnect the page refetches everything
  // (events missed while away are not replayed).
  const events = (() => {
    let socket = null;
    let handler = () => {};
    let stateHandler = () => {};
    let watching = [];
    let delay = 500;
    let closedOnPurpose = false;

    function open() {
      closedOnPurpose = false;
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${location.host}/api/events`);
      socket.addEventListener("open", () => {
        delay = 500;
        stateHandler("live");
        if (watching.length) socket.send(JSON.stringify({ type: "watch", conversation_ids: watching }));
      });
      socket.addEventListener("message", (message) => {
        let frame;
        try { frame = JSON.parse(message.data); } catch (error) { return; }
        handler(frame);
      });
      socket.addEventListener("close", (event) => {
        stateHandler("offline");
        if (closedOnPurpose || !me) return;
        if (event.code === 4401) {  // the session ended: the sign-in shows (401), or another tab's new session reconnects
          api("GET", "/api/me").then((result) => { if (result.ok) open(); });
          return;
        }
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 15000);
      });
    }

    return {
      connect(onEvent, onState) {
        handler = onEvent;
        stateHandler = onState || (() => {});
        if (socket && socket.readyState <= 1) return;
        open();
      },
      watch(ids) {
        watching = ids;
        if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "watch", conversation_ids: ids }));
      },
      close() {
        closedOnPurpose = true;
        if (socket) socket.close();
      },
    };
  })();

  function throttle(fn, ms) {
    let timer = null;
    let again = false;
    return () => {
      if (timer) { again = true; return; }
      fn();
      timer = setTimeout(() => { timer = null; if (again) { again = false; fn(); } }, ms);
    };
  }

  return { el, clear, api, unavailable, formatTime, formatClock, label, TIME_ZONE, waitText, boot, signOut, events, throttle, me: () => me };
})();
