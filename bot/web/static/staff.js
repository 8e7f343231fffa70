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

  // Why the console is at the sign-in: the server says when the account was switched off.
  function signedOutText(reason) {
    return reason === "account_off" ? T("您的账号已停用，请联系主管") : T("登录已过期，请重新登录");
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
      return { status: 0, ok: false, data: { error: T("网络错误") } };
    }
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    if (response.status === 401 && path !== "/api/login" && me) showLogin(signedOutText(data.reason));
    return { status: response.status, ok: response.ok, data };
  }

  // A panel whose endpoint is not there (404) says so instead of breaking the page.
  function unavailable(what) {
    return el("p", { class: "unavailable", text: T("{0}：暂不可用", what) });
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

  // A deadline short enough for a queue card: "今天 16:30", "明天 09:00", "12月7日 09:00" (the
  // service's calendar days); formatTime is the full form for the tooltip.
  const dayParts = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });
  function formatShortTime(iso, now = new Date()) {
    if (!iso) return "—";
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    const full = formatTime(iso);
    const clock = full.slice(11);
    const day = (d) => Date.parse(dayParts.format(d));
    const days = Math.round((day(date) - day(now)) / 86_400_000);
    if (days === 0) return T("今天 {0}", clock);
    if (days === 1) return T("明天 {0}", clock);
    if (days === -1) return T("昨天 {0}", clock);
    const monthDay = new Intl.DateTimeFormat(StaffI18n.locale, { timeZone: TIME_ZONE, month: "short", day: "numeric" }).format(date);
    return `${monthDay} ${clock}`;
  }

  function formatClock(date) {
    return date.toLocaleTimeString(StaffI18n.locale, { timeZone: TIME_ZONE, hourCycle: "h23" });
  }

  // Names people read instead of the API's ids; anything unknown is shown as it is.
  const LABELS = {
    channel: { webchat: T("网页聊天"), wechat: T("微信"), sms: T("短信"), telegram: "Telegram" },
    status: {
      open: T("处理中"), closed: T("已结束"), resolved: T("已解决"), in_progress: T("处理中"), reopened: T("重新打开"),
      incomplete: T("处理中（信息未经客户确认）"),
    },
    reason: {
      complaint: T("投诉"), threat: T("威胁曝光/投诉"), danger: T("紧急危险"), escalated: T("升级"), transfer: T("转交"), deadline_breached: T("已超时"),
      human_requested: T("客户要求人工"), customer_request: T("客户要求人工"), previous_owner: T("首问负责"),
      supervisor_requested: T("客户要求主管"), beyond_authority: T("超出权限（赔偿等）"), appeal: T("客户申诉"),
      staff_attitude: T("投诉员工态度"),
      consultation: T("咨询"), after_resolution: T("解决后客户再次来信"),
      // why a conversation closed (the timeline's 会话结束, bot/flows/closing.py)
      satisfaction_recorded: T("回访已评价"), callback_unanswered: T("回访未答复"), idle: T("客户长时间未回复"),
      harassment: T("骚扰"), goodbye: T("客户道别"), withdrawn: T("客户放弃投诉"),
    },
    // The names of labels.tiers in config/handoff.yaml (tests/web/test_console_labels.py keeps them in step).
    tier: { standard: T("标准客户"), high_value: T("高价值客户"), vip: T("VIP客户"), group: T("集团客户") },
    role: { agent: T("客服"), supervisor: T("主管"), manager: T("经理") },
    grade: { simple: T("简单"), complex: T("复杂") },
    delivery: {
      pending: T("待发送"), sending: T("发送中"), sent: T("已发送"), delivered: T("已送达"), read: T("已读"),
      failed: T("发送失败"), dead: T("发送失败"),
    },
    job: { deliver_message: T("发送消息"), fire_timer: T("定时任务") },
    intent: {
      greeting: T("问候"), complaint: T("投诉"), status_query: T("查询进度"), question: T("咨询"), praise: T("表扬"), thanks: T("致谢"),
      apology: T("致歉"), suggestion: T("建议"), human: T("要求人工"), supervisor: T("要求领导"), out_of_scope: T("非服务范围"),
      harassment: T("骚扰"), yes: T("肯定"), no: T("否定"), refuse_contact: T("不愿留电话"), correction: T("更正"),
      not_resolved: T("问题未解决"), withdraw: T("放弃投诉"), goodbye: T("告别"),
    },
    signal: {
      emotional: T("情绪激动"), media_legal: T("媒体/法律"), violence: T("暴力威胁"), staff_error: T("员工差错"), repeat: T("重复投诉"),
      elder: T("老年人"), compensation: T("要求赔偿"), prepared: T("有备而来"), danger: T("紧急危险"), self_harm: T("轻生念头"), health: T("身体状况"),
    },
    slot: {
      phone: T("电话"), second_phone: T("备用电话"), name: T("姓名"), surname: T("姓"), honorific: T("称呼"), address: T("地址"),
      district: T("区"),
    },
    locale: { "zh-CN": T("简体中文"), "zh-TW": T("繁体中文"), en: T("英文") },
  };

  function label(kind, value) {
    if (value === null || value === undefined || value === "") return "";
    return (LABELS[kind] || {})[value] || String(value);
  }

  // The top bar: the name colleagues know (王经理) and the role; the username on hover.
  function showWhoami(me) {
    const whoami = document.getElementById("whoami");
    whoami.textContent = `${me.display_name || me.username} · ${label("role", me.role)}`;
    whoami.title = T("用户名：{0}", me.username);
  }

  function waitText(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return T("{0}分钟", minutes);
    return T("{0}小时{1}分钟", Math.floor(minutes / 60), minutes % 60);
  }

  let loginRoot = null;
  let onSignedIn = null;

  function showLogin(message) {
    me = null;
    csrf = null;
    delete document.body.dataset.ready;  // ready again once signed in and drawn
    document.getElementById("app").hidden = true;
    loginRoot.hidden = false;
    const error = loginRoot.querySelector(".error");
    error.textContent = message || "";
  }

  function buildLogin(title) {
    const error = el("p", { class: "error", role: "alert" });
    const username = el("input", { type: "text", id: "login-username", autocomplete: "username", placeholder: T("用户名") });
    const password = el("input", { type: "password", id: "login-password", autocomplete: "current-password", placeholder: T("密码") });
    const form = el("form", { class: "login", id: "login-form" },
      el("h1", { text: title }),
      username, password,
      el("button", { type: "submit", class: "primary", id: "login-submit", text: T("登录") }),
      error,
      el("div", { class: "login-locale" }, StaffI18n.picker(null)));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = await api("POST", "/api/login", { username: username.value, password: password.value });
      if (!result.ok) {
        const known = { 401: T("用户名或密码错误"), 429: T("失败次数过多，请稍后再试。") };
        error.textContent = known[result.status] || result.data.error || T("登录失败（{0}）", result.status);
        return;
      }
      password.value = "";
      signedIn(result.data);
    });
    return form;
  }

  function signedIn(user) {
    if (StaffI18n.follow(user.ui_locale)) return;  // reloads in the account's language
    me = { id: user.id, username: user.username, display_name: user.display_name || null, role: user.role, ui_locale: user.ui_locale };
    csrf = user.csrf_token;
    loginRoot.hidden = true;
    document.getElementById("app").hidden = false;
    onSignedIn(me);
  }

  async function boot(title, ready) {
    onSignedIn = ready;
    StaffI18n.apply(document);
    const logout = document.getElementById("logout");
    logout.before(StaffI18n.picker((locale) => api("PUT", "/api/me/locale", { locale })));
    logout.before(el("button", { type: "button", id: "my-account-open", text: T("我的账号"), onclick: openMyAccount }));
    loginRoot = buildLogin(title);
    loginRoot.hidden = true;
    document.body.prepend(loginRoot);
    // /api/session answers 200 signed in or not: no 401 in the browser's console before sign-in
    const result = await api("GET", "/api/session");
    if (result.ok && result.data.signed_in) signedIn(result.data);
    else showLogin(result.data.reason ? signedOutText(result.data.reason) : "");
  }

  // A sensitive account action (another's password, an account off or on, a role, a new manager)
  // asks for the staff member's own password again, in a dialog: a stolen session alone changes
  // no account. Resolves to the typed password, or null when cancelled.
  function askPassword(what, error) {
    return new Promise((resolve) => {
      const input = el("input", { type: "password", id: "reauth-password", autocomplete: "current-password", required: true, "aria-describedby": "reauth-error" });
      const dialog = el("dialog", { id: "reauth-dialog", class: "canned-dialog reauth-dialog", "aria-labelledby": "reauth-title" },
        el("form", { method: "dialog" },
          el("h3", { id: "reauth-title", text: T("请再次输入您的密码") }),
          el("p", { class: "muted", text: what }),
          el("label", { class: "reauth-field" }, el("span", { text: T("您的登录密码") }), input),
          el("p", { id: "reauth-error", class: "error", role: "alert", text: error || "" }),
          el("div", { class: "actions" },
            el("button", { type: "submit", class: "primary", id: "reauth-confirm", value: "ok", text: T("确认") }),
            el("button", { type: "button", id: "reauth-cancel", text: T("取消"), onclick: () => dialog.close("") }))));
      dialog.addEventListener("close", () => {
        const typed = dialog.returnValue === "ok" ? input.value : null;
        dialog.remove();
        resolve(typed);
      });
      document.body.append(dialog);
      dialog.showModal();
      input.focus();
    });
  }

  // send(password) with the staff member's own password typed in the dialog; asked again while it
  // is wrong. The API's result, or null when the dialog was cancelled.
  async function withPassword(what, send) {
    let error = "";
    for (;;) {
      const typed = await askPassword(what, error);
      if (typed === null) return null;
      const result = await send(typed);
      const code = result.data && result.data.code;
      if (code === "current_password_wrong") { error = T("密码不正确，请重新输入"); continue; }
      if (code === "current_password_needed") { error = T("请输入您的登录密码"); continue; }
      return result;
    }
  }

  // 我的账号 in the top bar: any staff member changes their own password (the current one, then the
  // new one twice) or signs out their other sessions (a console left open elsewhere).
  function openMyAccount() {
    const field = (id, text, autocomplete) => el("label", { class: "reauth-field" }, el("span", { text }),
      el("input", { type: "password", id, autocomplete, "aria-describedby": `${id}-error`, oninput: () => { error(id, ""); } }),
      el("span", { id: `${id}-error`, class: "error field-error", role: "alert" }));
    const message = el("p", { id: "my-account-message", role: "status" });
    const error = (id, text) => {
      document.getElementById(`${id}-error`).textContent = text;
      document.getElementById(id).setAttribute("aria-invalid", text ? "true" : "false");
    };
    const value = (id) => document.getElementById(id).value;
    const say = (kind, text) => { message.className = kind === "error" ? "error" : "muted"; message.textContent = text; };
    async function change(event) {
      event.preventDefault();
      say("", "");
      if (!value("my-current-password")) { error("my-current-password", T("请输入当前密码")); return; }
      if (value("my-new-password") !== value("my-new-password-again")) { error("my-new-password-again", T("两次输入的新密码不一致")); return; }
      const result = await api("POST", "/api/me/password", { current_password: value("my-current-password"), password: value("my-new-password") });
      if (result.data.code === "current_password_wrong") { error("my-current-password", T("当前密码不正确")); return; }
      if (!result.ok && result.data.field === "password") {
        error("my-new-password", problemText(result.data, () => ({ name: T("新密码") })) || errorText(result, T("新密码")));
        return;
      }
      if (!result.ok) { say("error", errorText(result, T("修改失败（{0}）", result.status))); return; }
      for (const id of ["my-current-password", "my-new-password", "my-new-password-again"]) document.getElementById(id).value = "";
      say("ok", T("密码已修改；其他 {0} 处登录已退出", result.data.sessions_ended));
    }
    async function endOthers() {
      const result = await api("POST", "/api/me/sessions/end-others", {});
      if (!result.ok) { say("error", errorText(result, T("操作失败（{0}）", result.status))); return; }
      say("ok", T("已退出其他 {0} 处登录", result.data.sessions_ended));
    }
    const dialog = el("dialog", { id: "my-account", class: "canned-dialog my-account-dialog", "aria-labelledby": "my-account-title" },
      el("h3", { id: "my-account-title", text: T("我的账号") }),
      el("form", { id: "my-password-form", onsubmit: change },
        el("h4", { text: T("修改密码") }),
        field("my-current-password", T("当前密码"), "current-password"),
        field("my-new-password", T("新密码（至少8个字符）"), "new-password"),
        field("my-new-password-again", T("再次输入新密码"), "new-password"),
        el("div", { class: "actions" }, el("button", { type: "submit", class: "primary", id: "my-password-save", text: T("修改密码") }))),
      el("h4", { text: T("其他设备上的登录") }),
      el("div", { class: "actions" },
        el("button", { type: "button", id: "my-end-others", text: T("退出其他登录"), onclick: endOthers }),
        el("span", { class: "muted", text: T("本页保持登录") })),
      message,
      el("div", { class: "actions" }, el("button", { type: "button", id: "my-account-close", text: T("关闭"), onclick: () => dialog.close() })));
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    document.getElementById("my-current-password").focus();
  }

  async function signOut() {
    await api("POST", "/api/logout", {});
    events.close();
    showLogin(T("已退出"));
  }

  // The live socket: reconnects with backoff; after a reconnect the page refetches everything
  // (events missed while away are not replayed). It is live, and the page refetches, only once the
  // server has read the user's access (its hello) and applied the watch list sent on opening (its
  // answer): an event before that may have been told to nobody, and the refetch reads it. A watch
  // list sent later is answered with a "watching" frame, on which the page refetches what it shows.
  const events = (() => {
    let socket = null;
    let handler = () => {};
    let stateHandler = () => {};
    let watching = [];
    let delay = 500;
    let closedOnPurpose = false;
    let unanswered = 0;  // watch frames this socket has not answered yet

    function sendWatch() {
      socket.send(JSON.stringify({ type: "watch", conversation_ids: watching }));
      unanswered += 1;
    }

    function open() {
      closedOnPurpose = false;
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const current = new WebSocket(`${scheme}://${location.host}/api/events`);
      let greeted = false;
      let live = false;
      socket = current;
      unanswered = 0;
      current.addEventListener("open", () => {
        delay = 500;
        if (watching.length) sendWatch();
      });
      current.addEventListener("message", (message) => {
        let frame;
        try { frame = JSON.parse(message.data); } catch (error) { return; }
        if (socket !== current) return;
        if (frame.type === "hello") greeted = true;
        // every frame the console sends is a watch list: an error answers one too (the old list stays)
        const answer = frame.type === "watching" || frame.type === "error";
        if (answer && unanswered) unanswered -= 1;
        if (!live && greeted && !unanswered) {
          live = true;
          stateHandler("live");  // the page refetches everything now
          if (answer) return;
        }
        handler(frame);
      });
      current.addEventListener("close", (event) => {
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
        if (socket && socket.readyState === 1) sendWatch();
      },
      close() {
        closedOnPurpose = true;
        if (socket) socket.close();
      },
    };
  })();

  // The API's errors are English sentences ({"error": "…"}, docs/api.md). Those the consoles can
  // meet are said in the page's language; any other is the action's own message with the detail.
  const ERRORS = [
    [/^claim the conversation first/, () => T("请先认领该会话：只有处理人可以回复")],
    [/^no active user '(.*)'$/, (m) => T("没有在职的用户「{0}」，请从列表中选择", m[1])],
    [/^unknown queue '([^']*)'/, (m) => T("没有队列「{0}」，请从列表中选择", m[1])],
    [/^give exactly one of 'username' or 'queue'/, () => T("请填写转交对象")],
    [/^only the conversation's owner or a supervisor can confirm/, () => T("只有该会话的处理人或主管可以记录客户确认")],
    [/^only the conversation's owner or a supervisor can/, () => T("只有该会话的处理人或主管可以操作")],
    [/^resolve the complaint first/, () => T("请先标记已解决，再记录客户确认")],
    [/^only an agent who handled this case, a supervisor or a manager can reopen/, () => T("只有处理过该投诉的客服、主管或经理可以重新打开")],
    [/^this conversation has no resolved case to reopen/, () => T("该会话没有已解决的投诉，无需重新打开")],
    [/^the customer has another conversation open on this channel/, () => T("客户在该渠道另有进行中的会话，请在那个会话中跟进")],
    [/^this conversation has no complaint with a deadline/, () => T("该会话没有带时限的投诉单")],
    [/^the complaint is resolved; only an open complaint's deadline/, () => T("投诉已解决，只能延长未解决投诉的时限")],
    [/^this conversation is in a queue you are not in/, () => T("该会话不在您的队列中")],
    [/^this ticket waits in a queue you are not in/, () => T("该客户在您不属于的队列中等待，请经理把您加入该队列")],
    [/^someone else has already claimed/, () => T("该客户已被其他客服认领")],
    [/^no such conversation/, () => T("没有这个会话")],
    [/^agents edit only the canned replies they added/, () => T("客服只能修改自己添加的常用语，请联系主管")],
    [/^(.+): hours must be positive$/, (m) => T("{0}：小时数必须大于0", m[1])],
    // the staff accounts (人员 tab): the rules of python -m bot create-user / set-password
    [/^the password must have at least 8 characters/, () => T("密码至少需要8个字符")],
    [/^the username '(.*)' is taken$/, (m) => T("用户名「{0}」已被使用", m[1])],
    [/^the username must not be empty/, () => T("请填写用户名")],
    [/^the username must have at most (\d+) characters/, (m) => T("用户名最多 {0} 个字符", m[1])],
    [/^the username must not contain spaces/, () => T("用户名不能包含空格或控制字符")],
    [/^the username may hold only letters, digits/, () => T("用户名只能包含字母、数字 0-9 和 . _ -")],
    [/^the username '(.*)' looks the same as the existing '(.*)'$/, (m) => T("用户名「{0}」与已有的「{1}」看起来一样，请换一个", m[1], m[2])],
    [/^the username '(.*)' mixes letters of /, (m) => T("用户名「{0}」混用了不同文字的字母（如西里尔字母 а 混在拉丁字母中），看起来会像别人；请只用一种文字的字母", m[1])],
    [/^the display name '(.*)' mixes letters of /, (m) => T("显示名「{0}」混用了不同文字的字母（如西里尔字母 а 混在拉丁字母中），看起来会像别人；请只用一种文字的字母", m[1])],
    [/^the display name '(.*)' looks the same as the account '(.*)''s name$/, (m) => T("显示名「{0}」与账号「{1}」的名字看起来一样，请换一个", m[1], m[2])],
    [/^you cannot turn off your own account/, () => T("不能停用自己的账号")],
    [/^this is the last active manager/, () => T("这是最后一个在职的经理，不能停用或改为其他角色；请先设置另一位经理")],
    [/^too many wrong passwords; try again in (\d+) minutes?/, (m) => T("密码错误次数过多，请 {0} 分钟后再试", m[1])],
    [/^the (username|display name) must not contain invisible or text-direction characters/, (m) => (m[1] === "username"
      ? T("用户名含有看不见的字符或改变文字方向的控制字符，请重新输入") : T("显示名含有看不见的字符或改变文字方向的控制字符，请重新输入"))],
    [/^version (\d+) no longer fits the configuration/, (m) => T("版本 v{0} 引用了当前配置中已没有的项目，无法回滚", m[1])],
    // the forbidden-phrase guard's refusals (also kept in the audit log)
    [/^the (?:text|reply) contains a forbidden phrase: 「(.*)」$/s, (m) => T("含有服务忌语「{0}」", m[1])],
    [/^the (?:text|reply) contains forbidden phrases: 「(.*)」$/s, (m) => T("含有服务忌语「{0}」", m[1])],
    [/^the text holds a forbidden paraphrase \(pattern (.*)\)$/, (m) => T("含有服务忌语的变体说法（规则 {0}）", m[1])],
    [/^the model judged the text forbidden/, () => T("模型判定含有服务忌语")],
    [/^the text holds direction controls/, () => T("含有改变文字显示顺序的控制字符，请删除")],
  ];

  // An API error as staff read it: in their language when it is a known one, else as given.
  function errorMessage(error) {
    for (const [pattern, text] of ERRORS) {
      const found = pattern.exec(error);
      if (found) return text(found);
    }
    return error;
  }

  // What a value must be, by the code the API gives beside its English error ({"code":
  // "greater_than", "field": "…", "limit": 0}, docs/api.md); `amount` says a limit with its unit ("0小时").
  const numberWanted = () => T("请填写数字");
  // What a rule's unknown id is (rule_unknown_reference's kind), as the rules page calls it.
  const REFERENCE_KINDS = { category: "类别", channel: "渠道", tier: "客户类别", signal: "信号", queue: "队列" };

  const PROBLEMS = {
    greater_than: (p, amount) => T("须大于{0}", amount(p.limit)),
    greater_than_equal: (p, amount) => T("不能小于{0}", amount(p.limit)),
    less_than: (p, amount) => T("须小于{0}", amount(p.limit)),
    less_than_equal: (p, amount) => T("不能大于{0}", amount(p.limit)),
    float_parsing: numberWanted, float_type: numberWanted, int_parsing: numberWanted, int_type: numberWanted,
    int_from_float: () => T("请填写整数"),
    missing: () => T("必填"),
    string_too_short: (p) => (p.limit > 1 ? T("至少 {0} 个字", p.limit) : T("不能为空")),
    string_too_long: (p) => T("最多 {0} 个字", p.limit),
    too_long: (p) => T("最多 {0} 项", p.limit),
    // the keywords of all the manager rules together (PUT /api/rules)
    too_many_keywords: (p) => T("所有规则的关键词合计最多 {0} 个", p.limit),
    unstorable_character: () => T("不能含有空字符（NUL）"),
    unknown_placeholders: (p) => T("不能使用占位符 {0}；可用的占位符：{1}",
      (p.names || []).map((n) => `{${n}}`).join(" "), (p.allowed || []).map((n) => `{${n}}`).join(" ") || T("无")),
    phone: () => T("不是电话号码（手机号或座机号）"),
    // a new password that is easy to guess (bot/staff/password_rules.py): why, and what to choose instead
    password_common: () => T("是最常见的密码之一（或只在其前后加了数字、符号），很容易被猜中；请改用几个不相干的词组成的一句话"),
    password_has_name: () => T("含有用户名或显示名，很容易被猜中；请改用不含姓名和账号的密码"),
    password_has_service_name: () => T("含有本服务的名称，很容易被猜中；请改用几个不相干的词组成的一句话"),
    password_pattern: () => T("只是重复的字符、重复的一段或键盘、字母、数字的顺序（如 aaaa、abcabc、123456、qwerty），很容易被猜中；请改用几个不相干的词组成的一句话"),
    // a manager rule still naming an id the draft takes away (a category renamed or removed)
    rule_unknown_reference: (p) => T("「{0}」仍在使用{1}「{2}」，而草稿里已没有它：请先到“分派规则”改掉或删除这条规则，再保存",
      p.rule_name || "", T(REFERENCE_KINDS[p.kind] || "类别"), (p.names || [])[0] || ""),
    // two manager rules called the same (PUT /api/rules)
    rule_name_taken: (p) => T("已有另一条规则叫「{0}」，请换一个名称", p.rule_name || ""),
    // deadlines: a simple complaint promised more hours than a complex one of its tier
    simple_over_complex: (p, amount) => T("比同类客户的复杂投诉（{0}）还长：简单投诉的时限不能长于复杂投诉", amount(p.limit)),
    forbidden_phrase: (p) => (p.suggestion ? T("含有服务忌语「{0}」，请改说「{1}」", p.forbidden, p.suggestion) : T("含有服务忌语「{0}」", p.forbidden)),
  };

  // A problem with a known code ({code, field|path, limit, names, allowed}) said in the page's
  // language, the field named by `name(field)` as the page names it ({name, amount}); else null.
  function problemText(problem, name) {
    const say = problem && PROBLEMS[problem.code];
    if (!say) return null;
    const field = problem.field || problem.path || "";
    const named = (name && name(field)) || {};
    // "First password: is one of…" in English; Chinese has its own full-width colon, "初始密码：至少 8 个字"
    return `${named.name || field}${StaffI18n.locale === "en" ? ": " : "："}${say(problem, named.amount || String)}`;
  }

  // errorText(result, T("转交失败（{0}）", result.status)): what to tell the staff member; `name`
  // names a field the API's code is about (problemText).
  function errorText(result, fallback, name) {
    const coded = problemText(result.data, name);
    if (coded) return coded;
    const error = (result.data && result.data.error) || "";
    for (const [pattern, text] of ERRORS) {
      const found = pattern.exec(error);
      if (found) return text(found);
    }
    if (!error) return fallback;
    // already in Chinese (the network error, a message written for people), or an English page: as given
    if (/[\u4e00-\u9fff]/.test(error) || StaffI18n.locale === "en") return error;
    return `${fallback}: ${error}`;
  }

  // A view loaded again while a load is under way (an event's refetch, the one after an action,
  // a reconnect's) gets the responses in any order: a slow one that left before an action must not
  // paint the view as it was before it. start() numbers a load; fresh(number) is true for the
  // response of a load started after every one shown so far (and then counts it as shown).
  function loads() {
    let started = 0;
    let shown = 0;
    return {
      start: () => ++started,
      fresh: (number) => {
        if (number < shown) return false;
        shown = number;
        return true;
      },
    };
  }

  // A version's note as this page's language says it: a rollback's note is written in the language
  // of whoever rolled back ("回滚到 v1", "Roll back to v1"); what follows it is theirs, as typed.
  function versionNote(note) {
    const rollback = /^(?:回滚到 v|Roll back to v)(\d+)([\s\S]*)$/.exec(note || "");
    return rollback ? T("回滚到 v{0}", rollback[1]) + rollback[2] : note;
  }

  function throttle(fn, ms) {
    let timer = null;
    let again = false;
    return () => {
      if (timer) { again = true; return; }
      fn();
      timer = setTimeout(() => { timer = null; if (again) { again = false; fn(); } }, ms);
    };
  }

  return { el, clear, api, unavailable, showWhoami, formatTime, formatShortTime, formatClock, label, TIME_ZONE, waitText, boot, signOut, withPassword, events, throttle, loads, errorText, errorMessage, problemText, versionNote, me: () => me };
})();
