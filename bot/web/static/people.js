// The manager console's 人员 tab: the staff accounts (GET /api/users); a manager adds one, changes an
// agent's queues, turns one off or on, changes a role, gives one a new password (a made password is
// shown once); each of these but the queues first asks for the manager's own password again
// (Staff.withPassword), as does adding a manager.
// Supervisors read the list. manager.js calls staffAccounts.load(me) when the tab opens.
// All data is rendered as text (Staff.el), never as HTML.
"use strict";

window.staffAccounts = (() => {
  const { el, clear, api, formatTime, label } = Staff;
  const $ = (id) => document.getElementById(id);
  const state = { me: null, users: [], queues: [], editing: null, built: false };

  function isManager() { return state.me && state.me.role === "manager"; }
  function queueName(id) { return (state.queues.find((q) => q.id === id) || {}).name || id; }

  function hideSecret() {
    $("people-secret").hidden = true;
    clear($("people-secret"));
  }

  // A refused password is said at its field, not at the top of the page.
  function fieldError(id, text) {
    const error = $(`${id}-error`);
    if (error) error.textContent = text;
    $(id)?.setAttribute("aria-invalid", text ? "true" : "false");
  }

  function passwordRefused(result, id, name) {
    if (result.ok || result.data.field !== "password") return false;
    say("", "");
    fieldError(id, Staff.problemText(result.data, () => ({ name })) || Staff.errorText(result, name));
    $(id).focus();
    return true;
  }

  function say(kind, text) {
    const message = $("people-message");
    message.className = kind === "error" ? "error" : "muted";
    message.textContent = text;
  }

  // A made password, once: it is not stored anywhere the page can read again.
  function showSecret(username, password) {
    clear($("people-secret"),
      el("span", { text: T("{0} 的密码（只显示这一次，请当面或安全地交给本人）：", username) }), " ",
      el("code", { id: "people-password", class: "mono", text: password }), " ",
      el("button", { type: "button", text: T("复制"), onclick: () => navigator.clipboard?.writeText(password) }),
      el("button", { type: "button", text: T("关闭"), onclick: hideSecret }));
    $("people-secret").hidden = false;
  }

  function queuePicker(field, selected) {
    const chosen = { ids: [...selected] };
    const picker = RulePickers.checklist(field, state.queues, selected, (ids) => { chosen.ids = ids; });
    return [picker, chosen];
  }

  function buildForm() {
    const roles = ["agent", "supervisor", "manager"];
    const [picker, chosen] = queuePicker("new-queues", ["general"].filter((id) => state.queues.some((q) => q.id === id)));
    state.newQueues = chosen;
    clear($("people-add"),
      el("h3", { text: T("新增账号") }),
      el("div", { class: "people-form" },
        el("label", {}, T("用户名"), el("input", { type: "text", id: "new-username", autocomplete: "off", size: 16 })),
        el("label", {}, T("显示名"), el("input", { type: "text", id: "new-display-name", autocomplete: "off", size: 12 })),
        el("label", {}, T("角色"), el("select", { id: "new-role" }, roles.map((role) => el("option", { value: role, text: label("role", role) })))),
        el("label", {}, T("初始密码"), el("input", { type: "text", id: "new-password", autocomplete: "new-password", size: 18, placeholder: T("留空则自动生成"),
          "aria-describedby": "new-password-error", oninput: () => fieldError("new-password", "") }),
        el("span", { id: "new-password-error", class: "error field-error", role: "alert" })),
        el("div", { class: "pick-field" }, el("span", { text: T("队列（客服）") }), picker),
        el("button", { type: "button", id: "new-add", class: "primary", text: T("添加"), onclick: addAccount })));
  }

  async function addAccount() {
    const username = $("new-username").value.trim();
    if (!username) { say("error", T("请填写用户名")); $("new-username").focus(); return; }
    const body = { username, role: $("new-role").value, queues: state.newQueues.ids };
    const displayName = $("new-display-name").value.trim();
    const password = $("new-password").value;
    if (displayName) body.display_name = displayName;
    if (password) body.password = password;
    hideSecret();
    const result = body.role === "manager"
      ? await Staff.withPassword(T("新增经理账号：{0}", username), (current) => api("POST", "/api/users", { ...body, current_password: current }))
      : await api("POST", "/api/users", body);
    if (result === null) return;
    if (passwordRefused(result, "new-password", T("初始密码"))) return;
    if (!result.ok) { say("error", Staff.errorText(result, T("新增失败（{0}）", result.status))); return; }
    say("ok", T("已新增 {0}", result.data.user.username));
    if (result.data.password) showSecret(result.data.user.username, result.data.password);
    buildForm();
    await load(state.me);
  }

  // The queues this change would leave with nobody while cases wait there: asked before saving.
  async function leftUnstaffed(user, ids) {
    if (!user.active) return [];
    const targets = await api("GET", `/api/transfer-targets?locale=${StaffI18n.locale}`);
    if (!targets.ok) return [];
    return (targets.data.queues || []).filter((q) => user.queues.includes(q.id) && !ids.includes(q.id)
      && q.members <= 1 && q.waiting > 0);
  }

  function unstaffedText(queues) {
    return StaffI18n.list(queues.map((q) => T("「{0}」{1} 个案件在等待", queueName(q.id), q.waiting)));
  }

  async function setQueues(user, ids) {
    hideSecret();
    const emptied = await leftUnstaffed(user, ids);
    if (emptied.length && !confirm(T("保存后以下队列将没有成员客服，等待中的案件无人认领：{0}。仍要保存吗？", unstaffedText(emptied)))) return;
    const result = await api("PUT", `/api/users/${user.id}/queues`, { queues: ids });
    if (!result.ok) { say("error", Staff.errorText(result, T("保存失败（{0}）", result.status))); return; }
    const left = result.data.left_unstaffed || [];
    if (left.length) say("error", T("已保存 {0} 的队列；注意：以下队列已没有成员客服：{1}，请尽快安排客服。", user.username, unstaffedText(left)));
    else say("ok", T("已保存 {0} 的队列", user.username));
    state.editing = null;
    await load(state.me);
  }

  async function setActive(user, active) {
    if (!active && !confirm(T("确定停用 {0} 吗？其登录立即失效，之后无法登录；其处理中的客户会话将退回原队列等待认领。", user.username))) return;
    hideSecret();
    const result = await Staff.withPassword(active ? T("启用 {0}", user.username) : T("停用 {0}", user.username),
      (current) => api("PUT", `/api/users/${user.id}/active`, { active, current_password: current }));
    if (result === null) return;
    if (!result.ok) { say("error", Staff.errorText(result, T("操作失败（{0}）", result.status))); return; }
    say("ok", active ? T("已启用 {0}", user.username)
      : T("已停用 {0}：{1} 处登录已退出，{2} 个客户会话已退回队列", user.username, result.data.sessions_ended, result.data.conversations_returned));
    await load(state.me);
  }

  async function resetPassword(user, typed) {
    if (!confirm(T("确定重置 {0} 的密码吗？其所有登录立即失效。", user.username))) return;
    hideSecret();
    const result = await Staff.withPassword(T("重置 {0} 的密码", user.username),
      (current) => api("POST", `/api/users/${user.id}/password`, typed ? { password: typed, current_password: current } : { current_password: current }));
    if (result === null) return;
    if (passwordRefused(result, "reset-password", T("新密码"))) return;
    if (!result.ok) { say("error", Staff.errorText(result, T("重置失败（{0}）", result.status))); return; }
    say("ok", T("已重置 {0} 的密码，{1} 处登录已退出", user.username, result.data.sessions_ended));
    if (result.data.password) showSecret(user.username, result.data.password);
    state.editing = null;
    await load(state.me);
  }

  async function setRole(user, role) {
    if (role === user.role) { state.editing = null; render(); return; }
    hideSecret();
    const result = await Staff.withPassword(T("把 {0} 的角色改为{1}", user.username, label("role", role)),
      (current) => api("PUT", `/api/users/${user.id}/role`, { role, current_password: current }));
    if (result === null) return;
    if (!result.ok) { say("error", Staff.errorText(result, T("操作失败（{0}）", result.status))); return; }
    say("ok", T("已把 {0} 的角色改为{1}", user.username, label("role", role)));
    state.editing = null;
    await load(state.me);
  }

  // The row under an account being changed: its queues, its role, or a new password.
  function editorRow(user) {
    const cancel = el("button", { type: "button", text: T("取消"), onclick: () => { state.editing = null; render(); } });
    if (state.editing.kind === "role") {
      const select = el("select", { id: "user-role" }, ["agent", "supervisor", "manager"].map((role) =>
        el("option", { value: role, text: label("role", role), selected: role === user.role })));
      return el("tr", { class: "people-editor" }, el("td", { colspan: 7 },
        el("div", { class: "actions" }, el("span", { text: T("{0} 的角色：", user.username) }), select,
          el("button", { type: "button", class: "primary", id: "role-save", text: T("保存"), onclick: () => setRole(user, select.value) }), cancel)));
    }
    if (state.editing.kind === "queues") {
      const [picker, chosen] = queuePicker("user-queues", user.queues);
      return el("tr", { class: "people-editor" }, el("td", { colspan: 7 },
        el("div", { class: "actions" }, el("span", { text: T("{0} 的队列：", user.username) }), picker,
          el("button", { type: "button", class: "primary", id: "queues-save", text: T("保存"), onclick: () => setQueues(user, chosen.ids) }), cancel)));
    }
    const input = el("input", { type: "text", id: "reset-password", autocomplete: "new-password", size: 20, placeholder: T("留空则自动生成"),
      "aria-describedby": "reset-password-error", oninput: () => fieldError("reset-password", "") });
    return el("tr", { class: "people-editor" }, el("td", { colspan: 7 },
      el("div", { class: "actions" }, el("span", { text: T("{0} 的新密码：", user.username) }), input,
        el("span", { id: "reset-password-error", class: "error field-error", role: "alert" }),
        el("button", { type: "button", class: "primary", id: "reset-confirm", text: T("重置密码"), onclick: () => resetPassword(user, input.value) }), cancel)));
  }

  function actions(user) {
    if (!isManager()) return "—";
    const edit = (kind) => () => { state.editing = { id: user.id, kind }; render(); };
    const self = user.id === state.me.id;
    return el("div", { class: "actions" },
      user.role === "agent" ? el("button", { type: "button", class: "edit-queues", text: T("调整队列"), onclick: edit("queues") }) : null,
      el("button", { type: "button", class: "change-role", text: T("更改角色"), onclick: edit("role") }),
      el("button", { type: "button", class: "reset-password", text: T("重置密码"), onclick: edit("password") }),
      self ? null : user.active
        ? el("button", { type: "button", class: "danger deactivate", text: T("停用"), onclick: () => setActive(user, false) })
        : el("button", { type: "button", class: "activate", text: T("启用"), onclick: () => setActive(user, true) }));
  }

  function render() {
    const rows = [];
    for (const user of state.users) {
      rows.push(el("tr", { "data-user": user.username, class: user.active ? "" : "inactive" },
        el("td", { text: user.username }),
        el("td", { text: user.display_name || "—" }),
        el("td", { class: "role", text: label("role", user.role) }),
        el("td", { text: user.role === "agent" ? StaffI18n.list(user.queues.map(queueName)) || "—" : T("全部队列") }),
        el("td", {}, el("span", { class: `badge ${user.active ? "current" : "off"}`, text: user.active ? T("启用") : T("已停用") })),
        el("td", { text: user.last_sign_in ? formatTime(user.last_sign_in) : T("从未登录") }),
        el("td", {}, actions(user))));
      if (state.editing && state.editing.id === user.id) rows.push(editorRow(user));
    }
    clear($("people-list"), el("table", { id: "people-table" },
      el("thead", {}, el("tr", {}, [T("用户名"), T("显示名"), T("角色"), T("队列"), T("状态"), T("最近登录"), T("操作")].map((h) => el("th", { text: h })))),
      el("tbody", {}, rows)));
  }

  async function load(me) {
    state.me = me;
    $("people-readonly").hidden = isManager();
    $("people-add").hidden = !isManager();
    const [users, queues] = await Promise.all([api("GET", "/api/users"), api("GET", `/api/queues?locale=${StaffI18n.locale}`)]);
    if (queues.ok) state.queues = queues.data.queues || [];
    if (!users.ok) { clear($("people-list"), el("p", { class: "error", text: Staff.errorText(users, T("加载失败（{0}）", users.status)) })); return; }
    state.users = users.data.users || [];
    if (isManager() && !state.built) { buildForm(); state.built = true; }
    render();
  }

  return { load, state };
})();
