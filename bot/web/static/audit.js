// The manager console's audit log tab (issue 14): GET /api/audit, newest first, filtered by who,
// action and dates, "更早 Older" for the page before. manager.js calls auditLog.load() when the tab opens.
// All data is rendered as text (Staff.el), never as HTML.
"use strict";

window.auditLog = (() => {
  const { el, clear, api, label } = Staff;
  const $ = (id) => document.getElementById(id);

  const ACTIONS = {
    sign_in: "登录 Sign in",
    sign_in_failed: "登录失败 Failed sign-in",
    sign_out: "退出 Sign out",
    claim: "认领 Claim",
    reply: "回复客户 Reply",
    note: "内部备注 Note",
    transfer: "转交 Transfer",
    resolve: "办结 Resolve",
    extend_deadline: "延长时限 Extend deadline",
    confirm_resolved: "客户确认解决 Confirmed resolved",
    rules_change: "修改分派规则 Rules change",
    queue_membership: "调整队列成员 Queue membership",
    dead_letter_retry: "重发失败消息 Dead letter retry",
    notification_read: "通知标为已读 Notification read",
    standards_change: "修改服务标准 Standards change",
    standards_rollback: "回滚服务标准 Standards rollback",
    export: "导出工单 Export",
  };
  const TARGETS = {
    conversation: "会话", ticket: "工单", rules: "分派规则", user: "账号", dead_letter: "发送失败",
    notification: "通知", standards: "服务标准",
  };
  const REASONS = {
    wrong_password: "密码错误 wrong password", unknown_user: "无此用户 unknown user",
    rate_limited: "尝试过多 rate limited", account_inactive: "账号已停用 inactive",
  };
  const TIME = new Intl.DateTimeFormat("zh-CN", {
    timeZone: Staff.TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
  const state = { pageSize: 50, before: null, query: {}, actionsShown: false, rows: null };

  function time(iso) {
    const part = Object.fromEntries(TIME.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
  }

  function actionName(action) { return ACTIONS[action] || action; }

  function target(text) {
    if (!text) return "—";
    const [kind, id] = text.split(/:(.*)/s);
    const name = `${TARGETS[kind] || kind} ${id ?? ""}`.trim();
    if (kind === "conversation") return el("a", { href: `/console/#conversation=${id}`, text: name });
    return name;
  }

  function who(entry) {
    const role = entry.role ? ` · ${label("role", entry.role)}` : "";
    return el("span", { title: entry.actor_id ? `#${entry.actor_id}` : "未登录 not signed in" }, `${entry.actor || "—"}${role}`);
  }

  function detailText(detail) {
    const shown = Object.entries(detail || {}).filter(([key]) => key !== "error" && key !== "reason");
    return shown.map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : value}`).join(" · ");
  }

  function outcome(entry) {
    const refused = entry.status >= 400;
    const why = entry.detail?.reason ? REASONS[entry.detail.reason] || entry.detail.reason : entry.detail?.error;
    return el("span", { class: `outcome${refused ? " refused" : ""}` },
      `${refused ? "拒绝" : "成功"} ${entry.status}`, why ? ` · ${why}` : "");
  }

  function row(entry) {
    return el("tr", { class: entry.status >= 400 ? "refused" : "", "data-action": entry.action, "data-id": entry.id },
      el("td", { text: time(entry.at) }),
      el("td", {}, who(entry)),
      el("td", { text: actionName(entry.action) }),
      el("td", {}, target(entry.target)),
      el("td", {}, outcome(entry), el("div", { class: "muted", text: detailText(entry.detail) })),
      el("td", { class: "from", title: entry.user_agent || "" },
        entry.client_address || "—", el("div", { class: "muted", text: entry.request_id ? `请求 ${entry.request_id}` : "" })));
  }

  function showActions(actions) {
    if (state.actionsShown) return;
    state.actionsShown = true;
    const select = $("audit-action");
    for (const action of actions) select.append(el("option", { value: action, text: actionName(action) }));
  }

  function filters() {
    const query = {};
    const actor = $("audit-actor").value.trim();
    if (actor) query.actor = actor;
    if ($("audit-action").value) query.action = $("audit-action").value;
    if ($("audit-from").value) query.from = $("audit-from").value;
    if ($("audit-to").value) query.to = $("audit-to").value;
    return query;
  }

  async function fetchPage(before) {
    const params = new URLSearchParams({ ...state.query, limit: String(state.pageSize) });
    if (before) params.set("before", String(before));
    const result = await api("GET", `/api/audit?${params}`);
    const message = $("audit-message");
    if (!result.ok) {
      message.className = "error";
      message.textContent = result.status === 404 ? "审计日志暂不可用 (not available)" : (result.data.error || `加载失败 (${result.status})`);
      return null;
    }
    message.textContent = "";
    showActions(result.data.actions || []);
    state.before = result.data.next_before;
    $("audit-older").hidden = !state.before;
    return result.data.entries || [];
  }

  // A new search: the newest page for the filters.
  async function load() {
    state.query = filters();
    const entries = await fetchPage(null);
    if (entries === null) { clear($("audit-entries")); return; }
    if (!entries.length) { clear($("audit-entries"), el("p", { class: "muted", text: "没有记录 / no entries" })); return; }
    state.rows = el("tbody", {}, entries.map(row));
    clear($("audit-entries"), el("table", { id: "audit-table" },
      el("thead", {}, el("tr", {}, ["时间 Time", "人员 Who", "操作 Action", "对象 Target", "结果 Outcome", "来源 From"].map((h) => el("th", { text: h })))),
      state.rows));
  }

  // The page before the rows shown, added below them.
  async function older() {
    if (!state.before || !state.rows) return;
    const entries = await fetchPage(state.before);
    if (entries) state.rows.append(...entries.map(row));
  }

  $("audit-filters").addEventListener("submit", (event) => { event.preventDefault(); load(); });
  $("audit-older").addEventListener("click", older);

  return { load, state };
})();
