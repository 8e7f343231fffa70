// The manager console's audit log tab (issue 14): GET /api/audit, newest first, filtered by who,
// action and dates, "更早 Older" for the page before. manager.js calls auditLog.load() when the tab opens.
// All data is rendered as text (Staff.el), never as HTML.
"use strict";

window.auditLog = (() => {
  const { el, clear, api, label } = Staff;
  const $ = (id) => document.getElementById(id);

  const ACTIONS = {
    sign_in: T("登录"),
    sign_in_failed: T("登录失败"),
    sign_out: T("退出"),
    claim: T("认领"),
    reply: T("回复客户"),
    note: T("内部备注"),
    transfer: T("转交"),
    resolve: T("标记已解决"),
    extend_deadline: T("延长时限"),
    confirm_resolved: T("客户确认解决"),
    reopen: T("重新打开"),
    rules_change: T("修改分派规则"),
    queue_membership: T("调整队列成员"),
    rules_rollback: T("回滚分派规则"),
    account_create: T("新增账号"),
    account_active: T("停用/启用账号"),
    password_reset: T("重置密码"),
    role_change: T("更改角色"),
    password_change: T("修改本人密码"),
    sessions_end_others: T("退出其他登录"),
    dead_letter_retry: T("重发失败消息"),
    notification_read: T("通知标为已读"),
    standards_change: T("修改服务标准"),
    standards_rollback: T("回滚服务标准"),
    export: T("导出工单"),
    ui_locale_change: T("切换界面语言"),
    canned_reply_add: T("添加团队常用语"),
    canned_reply_edit: T("修改团队常用语"),
    canned_reply_remove: T("删除团队常用语"),
    customer_tier_change: T("修改客户类别"),
    send_photo: T("发送图片"),
    notifications_read_all: T("通知全部已读"),
    complaint_correct: T("更正投诉单"),
  };
  const TARGETS = {
    conversation: T("会话"), ticket: T("工单"), rules: T("分派规则"), user: T("账号"), dead_letter: T("发送失败"),
    notification: T("通知"), standards: T("服务标准"), canned_reply: T("团队常用语"), customer: T("客户"),
  };
  // The detail's keys as staff read them (tests/audit/test_audit_labels.py keeps them in step with
  // what the handlers note); ids a person does not need are left out (HIDDEN).
  const DETAILS = {
    media_id: T("图片"), message_id: T("消息"), satisfaction_callback: T("安排回访"), hours: T("延长小时数"), why: T("原因"),
    previous_deadline_at: T("原时限"), deadline_at: T("新时限"),
    locale: T("语言"), queues: T("队列"), limit: T("限制"), username: T("账号"), queue: T("队列"),
    rules: T("规则数"), changes: T("变更"), note: T("说明"), rollback_of: T("回滚自版本"), count: T("条数"),
    query: T("条件"), from: T("从"), to: T("到"), category: T("类别"), channel: T("渠道"),
    role: T("角色"), active: T("启用"), password_made: T("系统生成密码"), sessions_ended: T("退出的登录数"), conversations_returned: T("退回队列的客户会话"),
    previous_tier: T("原客户类别"), tier: T("新客户类别"), reply_in: T("回复所在会话"),
    case_number: T("投诉编号"), case_numbers: T("投诉编号"), owner: T("处理人"), fields: T("更正项"), forbidden: T("忌语"), suggestion: T("建议说法"),
    client_gone: T("下载中途被客户端中断"),
  };
  // A key an action notes in its own sense: a transfer's username is whom the case went to.
  const ACTION_DETAILS = {
    transfer: { username: T("转交给"), queue: T("转交到队列") },
  };
  // Values with display names: ids of roles, queues, tiers, languages, categories, channels, fields.
  const LIMITS = { address: T("同一地址"), user: T("同一账号"), user_address: T("同一账号和地址") };
  const names = () => (window.managerConsole && window.managerConsole.state) || {};
  const VALUES = {
    role: (v) => label("role", v),
    queue: (v) => (names().queues || {})[v] || v,
    queues: (v) => (names().queues || {})[v] || v,
    tier: (v) => label("tier", v),
    previous_tier: (v) => label("tier", v),
    locale: (v) => label("locale", v),
    category: (v) => (names().categories || {})[v] || v,
    channel: (v) => label("channel", v),
    fields: (v) => (fieldName(v) || {}).name || v,
    limit: (v) => LIMITS[v] || v,
    previous_deadline_at: (v) => time(v),
    deadline_at: (v) => time(v),
    reply_in: (v) => T("会话 {0}", v),
    // a reopened case's handler: "agent:3" is a person, "queue:billing" a queue waiting for one
    owner: (v) => {
      const [kind, id] = String(v).split(/:(.*)/s);
      if (kind === "agent") return (names().users || {})[v] || v;
      if (kind === "queue") return T("待认领 · {0}", (names().queues || {})[id] || id);
      return v;
    },
  };
  // what an API error said beside its English (Staff.problemText), shown in the outcome
  const CODED = new Set(["code", "field", "limit", "names", "allowed", "forbidden", "suggestion"]);
  const HIDDEN = new Set(["error", "reason", "overrode_guard", "conversation_id", "target", "to", "username_chars"]);
  const REASONS = {
    wrong_password: T("密码错误"), unknown_user: T("无此用户"),
    rate_limited: T("尝试过多"), account_inactive: T("账号已停用"),
    current_password_needed: T("未输入本人密码"), current_password_wrong: T("本人密码错误"),
  };
  const FIELDS = {
    contact_phone: { name: T("联系电话") }, area: { name: T("地址/区域") }, category: { name: T("类别") },
    case_number: { name: T("投诉编号") },
  };
  const fieldName = (field) => FIELDS[field] || (typeof Standards === "undefined" ? null : Standards.fieldName(field));
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

  // A ticket is named by its conversation (agents never see ticket numbers): "工单 8" reads "会话 1".
  function target(text, detail) {
    if (!text) return "—";
    let [kind, id] = text.split(/:(.*)/s);
    if (kind === "ticket" && detail?.conversation_id) [kind, id] = ["conversation", String(detail.conversation_id)];
    const name = `${TARGETS[kind] || kind} ${id ?? ""}`.trim();
    if (kind === "conversation") return el("a", { href: `/console/#conversation=${id}`, text: name });
    // a customer's tier is changed from one of their conversations: link it
    if (kind === "customer" && detail?.conversation_id) {
      return el("span", {}, `${name} · `, target(`conversation:${detail.conversation_id}`));
    }
    return name;
  }

  // A sign-in with a name no account has keeps only the name's length (it may be a password).
  function who(entry) {
    const role = entry.role ? ` · ${label("role", entry.role)}` : "";
    const chars = entry.detail?.username_chars;
    const name = entry.actor || (chars ? T("未知用户名（{0} 个字符）", chars) : "—");
    return el("span", { title: entry.actor_id ? `#${entry.actor_id}` : T("未登录") }, `${name}${role}`);
  }

  // A value as staff read it: a display name for an id (VALUES[key]), yes/no, a list, a query.
  function detailValue(value, key) {
    if (value === true) return T("是");
    if (value === false) return T("否");
    if (Array.isArray(value)) return StaffI18n.list(value.map((item) => detailValue(item, key))) || "—";
    if (value && typeof value === "object") {
      // the rules' changes: "新增 1 · 修改 2"; an export's query: "从 2026-11-07 · 到 2026-12-06"
      if ("added" in value || "removed" in value || "changed" in value) {
        return [[T("新增"), value.added], [T("删除"), value.removed], [T("修改"), value.changed]]
          .filter(([, items]) => items && items.length).map(([name, items]) => `${name} ${items.length}`).join(" · ") || "—";
      }
      return Object.entries(value).map(([inner, v]) => `${DETAILS[inner] || inner} ${detailValue(v, inner)}`).join(" · ");
    }
    return VALUES[key] && value !== null && value !== undefined ? String(VALUES[key](value)) : String(value);
  }

  function detailName(action, key) {
    return (ACTION_DETAILS[action] || {})[key] || DETAILS[key] || key;
  }

  function detailText(entry) {
    const detail = entry.detail || {};
    const shown = Object.entries(detail).filter(([key, value]) => !HIDDEN.has(key) && !(detail.code && CODED.has(key))
      && value !== null && value !== "");
    return shown.map(([key, value]) => {
      if (key === "message_id") return T("消息 #{0}", value);
      if (key === "query" && entry.action === "export") return T("导出范围：{0}", detailValue(value, key));
      return `${detailName(entry.action, key)}: ${detailValue(value, key)}`;
    }).join(" · ");
  }

  function outcome(entry) {
    const refused = entry.status >= 400;
    const detail = entry.detail || {};
    // a refusal the API gave a code: said as the console said it (the field as its page names it)
    const coded = detail.code ? Staff.problemText(detail, fieldName) : null;
    const why = detail.reason ? REASONS[detail.reason] || detail.reason : coded || (detail.error && Staff.errorMessage(detail.error));
    return el("span", { class: `outcome${refused ? " refused" : ""}` },
      `${refused ? T("拒绝") : T("成功")} ${entry.status}`, why ? ` · ${why}` : "",
      // a reply holding a forbidden phrase, sent anyway after the warning: not an ordinary success
      entry.detail?.overrode_guard === true
        ? el("span", { class: "badge overridden", title: T("客服确认后仍发送了含服务忌语的回复"), text: T("含忌语·强行发送") }) : "");
  }

  function row(entry) {
    const classes = [entry.status >= 400 ? "refused" : "", entry.detail?.overrode_guard === true ? "overridden" : ""].filter(Boolean);
    return el("tr", { class: classes.join(" "), "data-action": entry.action, "data-id": entry.id },
      el("td", { text: time(entry.at) }),
      el("td", {}, who(entry)),
      el("td", { text: actionName(entry.action) }),
      el("td", {}, target(entry.target, entry.detail)),
      el("td", {}, outcome(entry), el("div", { class: "muted", text: detailText(entry) })),
      el("td", { class: "from", title: entry.user_agent || "" },
        entry.client_address || "—", el("div", { class: "muted", text: entry.request_id ? T("请求 {0}", entry.request_id) : "" })));
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
      message.textContent = result.status === 404 ? T("审计日志暂不可用") : (result.data.error || T("加载失败（{0}）", result.status));
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
    if (!entries.length) { clear($("audit-entries"), el("p", { class: "muted", text: T("没有记录") })); return; }
    state.rows = el("tbody", {}, entries.map(row));
    clear($("audit-entries"), el("table", { id: "audit-table" },
      el("thead", {}, el("tr", {}, [T("时间"), T("人员"), T("操作"), T("对象"), T("结果"), T("来源")].map((h) => el("th", { text: h })))),
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
