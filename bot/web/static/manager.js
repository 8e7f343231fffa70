// The manager console: live dashboard, rules editor and versions, service standards (standards.js), staff
// accounts (people.js), try a sentence, dead letters.
// Each panel reads its own endpoint; one that is not there (404) says "not available".
// All data is rendered as text (Staff.el), never as HTML.
"use strict";

(() => {
  const { el, clear, api, unavailable, formatTime, label } = Staff;
  const $ = (id) => document.getElementById(id);
  const state = { me: null, rules: [], rulesDirty: false, rulesVersion: null, viewing: null, vocabulary: {}, loadedTabs: new Set(), categories: {}, problems: {}, queues: {}, users: {}, tab: null };
  window.managerConsole = { state };

  function table(headers, rows) {
    return el("table", {},
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { text: h })))),
      el("tbody", {}, rows.map((row) => el("tr", {}, row.map((cell) => el("td", {}, cell instanceof Node ? cell : String(cell ?? "—")))))));
  }

  function empty(text) { return el("p", { class: "muted", text }); }

  // a time, a wait, a case number: kept on one line while names beside it wrap between words
  function whole(content) { return el("span", { class: "nowrap" }, content); }

  function categoryName(id) { return id ? state.categories[id] || id : "—"; }
  function queueName(id) { return state.queues[id] || id; }

  // Which tabs each role may use; the API refuses the rest anyway (dead letters: managers only).
  // Agents read the standard and forbidden phrases only (issue 14).
  const TABS_FOR = {
    manager: ["dashboard", "rules", "standards", "staff", "reports", "understand", "dead-letters", "audit"],
    supervisor: ["dashboard", "rules", "standards", "staff", "reports", "understand"],
    agent: ["standards"],
  };

  async function loadNames() {
    const [deadlines, queues, users] = await Promise.all([
      api("GET", `/api/config/deadlines?locale=${StaffI18n.locale}`), api("GET", `/api/queues?locale=${StaffI18n.locale}`), api("GET", "/api/users"),
    ]);
    if (deadlines.ok) state.categories = Object.fromEntries((deadlines.data.categories || []).map((c) => [c.id, c.name || c.id]));
    if (deadlines.ok) state.problems = Object.fromEntries((deadlines.data.problems || []).map((p) => [p.id, p.name || p.id]));
    if (queues.ok) state.queues = Object.fromEntries((queues.data.queues || []).map((q) => [q.id, q.name || q.id]));
    state.users = users.ok ? Object.fromEntries((users.data.users || []).map((u) => [`agent:${u.id}`, u.display_name || u.username])) : {};
  }

  // waitingIn: the queue where the case waits to be claimed (GET /api/dashboard), while its owner is still "bot"
  function ownerName(owner, waitingIn) {
    if (waitingIn && !(owner || "").startsWith("agent:")) return T("待认领 · {0}", state.queues[waitingIn] || waitingIn);
    if (!owner) return "—";
    if (owner === "bot") return T("机器人");
    if (owner.startsWith("queue:")) return T("待认领 · {0}", state.queues[owner.slice(6)] || owner.slice(6));
    return state.users[owner] || owner;
  }

  function failed(result, what) {
    if (result.status === 404) return unavailable(what);
    return el("p", { class: "error", text: result.data.error || T("{0}加载失败（{1}）", what, result.status) });
  }

  // ---------------------------------------------------------------- tabs

  function showTab(name) {
    // Edited rules are kept only until saved: leaving the tab reloads them.
    if (state.tab === "rules" && name !== "rules" && state.rulesDirty) {
      if (!confirm(T("当前修改尚未保存，确定离开吗"))) return;
      state.rulesDirty = false;
      state.rulesVersion = null;  // the form shows the edits thrown away: drawn again from the stored rules on return
    }
    state.tab = name;
    for (const button of document.querySelectorAll(".tabs button")) {
      button.setAttribute("aria-selected", String(button.dataset.tab === name));
    }
    for (const section of document.querySelectorAll(".tab")) section.hidden = section.id !== `tab-${name}`;
    // "#standards/classification" stays whole while its section loads: a reload then (a language
    // chosen) opens the same section
    if (location.hash.slice(1).split("/")[0] !== name) history.replaceState(null, "", `#${name}`);
    LOADERS[name]();
  }

  // ---------------------------------------------------------------- dashboard

  function briefs(items) {
    if (!items.length) return empty(T("无"));
    return table([T("编号"), T("类别"), T("时限"), T("处理人")], items.map((c) => [
      // an appeal waiting for the duty supervisor, whether or not its case is resolved meanwhile
      el("span", {}, whole(el("a", { href: `/console/#conversation=${c.conversation_id}`, text: c.case_number || T("会话 {0}", c.conversation_id) })),
        c.appeal ? el("span", { class: "dash-appeal", text: T("客户申诉待主管处理") }) : null),
      categoryName(c.category), whole(formatTime(c.deadline_at)), ownerName(c.owner, c.waiting_in)]));
  }

  async function loadDashboard() {
    const result = await api("GET", "/api/dashboard");
    const ids = ["dash-queues", "dash-at-risk", "dash-breached", "dash-categories", "dash-areas", "dash-alerts"];
    if (!result.ok) {
      for (const id of ids) clear($(id), failed(result, T("看板")));
      return;
    }
    const d = result.data;
    const queues = d.queues || [];
    clear($("dash-queues"), queues.length
      ? table([T("队列"), T("等待"), T("最久等待")], queues.map((q) => [queueName(q.queue), el("span", { class: "big", text: q.waiting }), whole(Staff.waitText(q.oldest_wait_seconds))]))
      : empty(T("无人等待")));
    for (const [id, items] of [["dash-at-risk", (d.deadlines || {}).at_risk || []], ["dash-breached", (d.deadlines || {}).breached || []]]) {
      clear($(id), briefs(items));
      $(id).parentElement.classList.toggle("wide", items.length > 0);  // a list takes two columns, 无 one
    }
    // Beside the live queues these count the past day's new complaints, resolved ones too: said so.
    const counted = () => el("p", { class: "muted counted", text: T("近{0}小时新投诉（含已解决）", d.counts_hours) });
    const byCategory = d.complaints_by_category || [];
    clear($("dash-categories"), counted(), byCategory.length ? table([T("类别"), T("数量")], byCategory.map((c) => [categoryName(c.category), c.count])) : empty(T("无")));
    const byArea = d.complaints_by_area || [];
    clear($("dash-areas"), counted(), byArea.length ? table([T("区域"), T("数量")], byArea.map((a) => [a.area, a.count])) : empty(T("无")));
    const alerts = d.alerts || [];
    clear($("dash-alerts"), alerts.length
      ? table([T("类别"), T("区域"), T("客户数"), T("时间窗"), T("时间")], alerts.map((a) => [a.problem ? `${categoryName(a.category)} · ${state.problems[a.problem] || a.problem}` : categoryName(a.category), a.area, a.customers, whole(T("{0}小时", a.window_hours)), whole(formatTime(a.created_at))]))
      : empty(T("无预警")));
    $("dash-alerts").parentElement.classList.toggle("wide", alerts.length > 0);  // its five columns whole
    $("dash-updated").textContent = T("更新于 {0}", Staff.formatClock(new Date()));
  }

  // ---------------------------------------------------------------- rules

  // Rule pickers (issue 15): every id condition picks from GET /api/rules' vocabulary (rulepickers.js).
  const PICK_FIELDS = [
    ["categories", T("类别")], ["grades", T("级别")], ["channels", T("渠道")],
    ["tiers", T("客户类别")], ["signals", T("信号")],
  ];
  const TRISTATE = [["outside_business_hours", T("非工作时间")], ["repeat_complaint", T("重复投诉")]];
  const FLAGS = [["notify_supervisor", T("通知主管")], ["notify_account_manager", T("通知客户经理")], ["route_to_previous_owner", T("交给上次处理人")]];

  function blankRule() {
    return { name: T("新规则"), when: {}, then: { queue: null, priority: null, notify_supervisor: false, notify_account_manager: false, route_to_previous_owner: false }, stop: false };
  }

  function ruleCard(rule, index) {
    const when = rule.when || {};
    const then = rule.then || {};
    const change = (fn) => (event) => { fn(event.target); };
    const setCondition = (key, items) => {
      if (items.length) rule.when = { ...rule.when, [key]: items };
      else { rule.when = { ...rule.when }; delete rule.when[key]; }
    };
    const move = (delta) => () => {
      const target = index + delta;
      if (target < 0 || target >= state.rules.length) return;
      [state.rules[index], state.rules[target]] = [state.rules[target], state.rules[index]];
      state.rulesDirty = true;
      renderRules();
    };
    return el("div", { class: "rule", "data-rule": index },
      el("div", { class: "actions" },
        el("strong", { text: `#${index + 1}` }),
        el("input", { type: "text", class: "rule-name", value: rule.name || "", "aria-label": T("规则名称"),
          oninput: change((input) => { rule.name = input.value; }) }),
        el("button", { type: "button", text: "↑", title: T("上移"), onclick: move(-1) }),
        el("button", { type: "button", text: "↓", title: T("下移"), onclick: move(1) }),
        el("button", { type: "button", class: "danger", text: T("删除"), onclick: () => { state.rules.splice(index, 1); state.rulesDirty = true; renderRules(); } })),
      el("h3", { text: T("条件") }),
      el("div", { class: "rule-grid" },
        PICK_FIELDS.map(([key, label]) => el("div", { class: "pick-field" }, el("span", { text: label }),
          RulePickers.checklist(`when.${key}`, state.vocabulary[key] || [], when[key], (items) => setCondition(key, items)))),
        el("label", {}, T("关键词（逗号分隔）"),
          el("input", { type: "text", "data-field": "when.keywords", value: (when.keywords || []).join(", "),
            oninput: change((input) => setCondition("keywords", input.value.split(/[,,]/).map((s) => s.trim()).filter(Boolean))) })),
        TRISTATE.map(([key, label]) => el("label", {}, label,
          el("select", { "data-field": `when.${key}`, onchange: change((select) => {
            rule.when = { ...rule.when, [key]: select.value === "" ? null : select.value === "true" };
          }) },
          el("option", { value: "", text: T("任意"), selected: when[key] === null || when[key] === undefined }),
          el("option", { value: "true", text: T("是"), selected: when[key] === true }),
          el("option", { value: "false", text: T("否"), selected: when[key] === false }))))),
      el("h3", { text: T("处理") }),
      el("div", { class: "rule-grid" },
        el("label", {}, T("队列"),
          RulePickers.single("then.queue", state.vocabulary.queues || [], then.queue, T("不变"),
            (queue) => { rule.then = { ...rule.then, queue }; })),
        el("label", {}, T("优先级"),
          el("select", { "data-field": "then.priority", onchange: change((select) => {
            rule.then = { ...rule.then, priority: select.value === "" ? null : Number(select.value) };
          }) },
          el("option", { value: "", text: T("不变"), selected: then.priority === null || then.priority === undefined }),
          [0, 1, 2].map((p) => el("option", { value: String(p), text: [T("0 紧急"), T("1 较急"), T("2 普通")][p], selected: then.priority === p })))),
        FLAGS.map(([key, label]) => el("label", { class: "check" },
          el("input", { type: "checkbox", "data-field": `then.${key}`, checked: Boolean(then[key]),
            onchange: change((input) => { rule.then = { ...rule.then, [key]: input.checked }; }) }), label)),
        el("label", { class: "check" },
          el("input", { type: "checkbox", "data-field": "stop", checked: Boolean(rule.stop),
            onchange: change((input) => { rule.stop = input.checked; }) }), T("匹配后停止"))));
  }

  function renderRules() {
    clear($("rules"), state.rules.length ? state.rules.map(ruleCard) : empty(T("暂无规则")));
    if (state.me.role !== "manager") {
      for (const field of $("rules").querySelectorAll("input, select, button")) field.disabled = true;
    }
  }

  async function loadRules() {
    const result = await api("GET", `/api/rules?locale=${StaffI18n.locale}`);
    if (!result.ok) {
      clear($("rules"), failed(result, T("分派规则")));
      $("rule-add").disabled = $("rules-save").disabled = true;
      return;
    }
    $("rule-add").disabled = $("rules-save").disabled = state.me.role !== "manager";
    // Back on the tab, the rules shown before stay editable while they reload: what was typed
    // meanwhile is kept, not overwritten by the reload (nor is leaving then asked about in vain).
    if (state.rulesDirty) return;
    // The version shown is still the one in force: its form is not drawn again under the manager's
    // cursor (a key typed as it was redrawn would be lost).
    showRules(result.data, Boolean(result.data.version) && result.data.version === state.rulesVersion);
  }

  function showRules(body, formShown = false) {
    state.rulesDirty = false;
    state.rulesVersion = body.version || null;
    state.vocabulary = body.vocabulary || {};
    $("rules-version").textContent = body.version
      ? T("版本 {0} · {1} · {2}", body.version, body.changed_by || "", formatTime(body.changed_at)) : "";
    if (!formShown) {
      state.rules = JSON.parse(JSON.stringify(body.rules || []));
      renderRules();
    }
    showQueueWarnings(body);
    // The version in force first, then the earlier ones (the API lists those newest first).
    const current = body.version ? [{version: body.version, changed_by: body.changed_by, changed_at: body.changed_at, note: body.note}] : [];
    const history_ = [...current, ...(body.history || []).filter((h) => h.version !== body.version)];
    clear($("rules-history"), history_.length
      ? el("table", { class: "rules-versions" },
        el("thead", {}, el("tr", {}, [T("版本"), T("修改人"), T("时间"), T("说明"), ""].map((h) => el("th", { text: h })))),
        el("tbody", {}, history_.map((h) => el("tr", {
          "data-version": h.version, class: `clickable${h.version === state.viewing ? " selected" : ""}`, onclick: () => viewVersion(h.version),
        },
        el("td", {}, `v${h.version} `, h.version === body.version ? el("span", { class: "badge current", text: T("当前") }) : null),
        el("td", { text: h.changed_by || "—" }), el("td", { text: formatTime(h.changed_at) }), el("td", { text: Staff.versionNote(h.note) || "—" }),
        el("td", {}, el("button", { type: "button", class: "rules-view", text: T("查看"), onclick: (event) => { event.stopPropagation(); viewVersion(h.version); } }))))))
      : empty(T("无历史")));
    if (state.viewing) viewVersion(state.viewing);
  }

  // ---------------------------------------------------------------- an earlier version of the rules

  function names(kind, ids) {
    const named = Object.fromEntries((state.vocabulary[kind] || []).map((item) => [item.id, item.name || item.id]));
    return StaffI18n.list(ids.map((id) => named[id] || id));
  }

  // One rule as a line of conditions and a line of actions, in the words of the editor.
  function ruleSummary(rule) {
    const when = rule.when || {};
    const then = rule.then || {};
    const conditions = [
      ...PICK_FIELDS.filter(([key]) => (when[key] || []).length).map(([key, name]) => `${name}: ${names(key, when[key])}`),
      ...((when.keywords || []).length ? [`${T("关键词")}: ${when.keywords.join("、")}`] : []),
      ...TRISTATE.filter(([key]) => when[key] === true || when[key] === false).map(([key, name]) => `${name}: ${when[key] ? T("是") : T("否")}`),
    ];
    const actions = [
      ...(then.queue ? [`${T("队列")}: ${names("queues", [then.queue])}`] : []),
      ...(then.priority !== null && then.priority !== undefined ? [`${T("优先级")}: ${[T("0 紧急"), T("1 较急"), T("2 普通")][then.priority] ?? then.priority}`] : []),
      ...FLAGS.filter(([key]) => then[key]).map(([, name]) => name),
      ...(rule.stop ? [T("匹配后停止")] : []),
    ];
    return [rule.name, conditions.join(" · ") || T("任意"), actions.join(" · ") || "—"];
  }

  function changeList(changes) {
    const parts = [[T("新增"), changes.added], [T("删除"), changes.removed], [T("修改"), changes.changed], [T("仅顺序变化"), changes.moved]]
      .filter(([, items]) => items && items.length);
    if (!parts.length) return el("p", { class: "muted", text: T("与当前版本相同") });
    return el("ul", { class: "rules-changes" }, parts.map(([what, items]) => el("li", {}, el("strong", { text: `${what} ${items.length}: ` }), items.join("、"))));
  }

  async function viewVersion(version) {
    const target = $("rules-version-view");
    state.viewing = version;
    for (const row of $("rules-history").querySelectorAll("tr[data-version]")) row.classList.toggle("selected", Number(row.dataset.version) === version);
    const result = await api("GET", `/api/rules/${version}`);
    if (state.viewing !== version) return;
    const opened = target.hidden;
    target.hidden = false;
    if (!result.ok) { clear(target, failed(result, T("版本 v{0}", version))); return; }
    const v = result.data;
    const against = v.against_current || { version: state.rulesVersion, changes: {}, diff: "" };
    const isCurrent = v.version === state.rulesVersion;
    const manager = state.me.role === "manager";
    const note = el("input", { type: "text", id: "rules-rollback-note", size: 40, placeholder: T("修改说明（必填）") });
    clear(target,
      el("div", { class: "actions" },
        el("h3", { text: T("版本 v{0}", v.version) }),
        isCurrent ? el("span", { class: "badge current", text: T("当前") }) : null,
        el("span", { class: "muted", text: `${v.changed_by} · ${formatTime(v.changed_at)}` }),
        el("span", { class: "spacer" }),
        el("button", { type: "button", id: "rules-view-close", text: T("关闭"), onclick: closeVersion })),
      v.note ? el("p", { text: Staff.versionNote(v.note) }) : null,
      table(["#", T("规则名称"), T("条件"), T("处理")], (v.rules || []).map((rule, index) => [index + 1, ...ruleSummary(rule)])),
      isCurrent ? null : el("div", { id: "rules-against" },
        el("h3", { text: T("回滚后相对当前版本 v{0} 的变化", against.version) }),
        changeList(against.changes || {}),
        Standards.diffView(against.diff)),
      isCurrent || !manager ? null : el("div", { class: "actions" },
        note,
        el("button", { type: "button", id: "rules-rollback", class: "primary", text: T("回滚到此版本"), onclick: () => rollbackRules(v.version, note) })),
      el("p", { id: "rules-rollback-message", role: "alert" }));
    if (opened) target.scrollIntoView({ block: "start" });
  }

  function closeVersion() {
    state.viewing = null;
    $("rules-version-view").hidden = true;
    for (const row of $("rules-history").querySelectorAll("tr.selected")) row.classList.remove("selected");
  }

  async function rollbackRules(version, noteInput) {
    const message = $("rules-rollback-message");
    const why = noteInput.value.trim();
    if (!why) { message.className = "error"; message.textContent = T("请填写修改说明"); noteInput.focus(); return; }
    if (state.rulesDirty && !confirm(T("回滚会放弃未保存的修改，继续吗"))) return;
    if (!confirm(T("确定回滚到版本 v{0} 吗？将生成一个新版本。", version))) return;
    const result = await api("POST", `/api/rules/rollback?locale=${StaffI18n.locale}`, { version, note: `${T("回滚到 v{0}", version)}: ${why}` });
    if (!result.ok) {
      message.className = "error";
      message.textContent = Staff.errorText(result, T("回滚失败（{0}）", result.status));
      return;
    }
    closeVersion();
    showRules(result.data);
    sayRulesSaved(T("已回滚到 v{0}，当前版本 v{1}", version, result.data.version), result.data);
  }

  // What the server's rule check asks of a rule's actions (bot/rules.py RuleActions.does_something).
  function ruleActs(then) {
    return then.queue != null || then.priority != null || Boolean(then.notify_supervisor)
      || Boolean(then.notify_account_manager) || Boolean(then.route_to_previous_owner);
  }

  // A rule the save refused for: its error shown in its own card, the card brought into view and
  // its first action (the queue) focused, however far up a long rules page it is.
  function showRuleError(index, text) {
    const card = $("rules").querySelector(`.rule[data-rule="${index}"]`);
    if (!card) return;
    card.classList.add("rule-invalid");
    card.append(el("p", { class: "error rule-error", role: "alert", text }));
    // gone once the rule does something (not on any edit: the card must not shrink under a click)
    const rule = state.rules[index];
    card.addEventListener("change", () => { if (rule.stop || ruleActs(rule.then || {})) clearRuleErrors(); });
    const field = card.querySelector("[data-field='then.queue']");
    card.scrollIntoView({ block: "center" });
    if (field) field.focus({ preventScroll: true });
  }

  // A name another rule has: its card marked, the cursor in its name (gone once it is renamed).
  function markRuleName(index, text) {
    const card = $("rules").querySelector(`.rule[data-rule="${index}"]`);
    if (!card) return;
    card.classList.add("rule-invalid");
    card.append(el("p", { class: "error rule-error", role: "alert", text }));
    const name = card.querySelector(".rule-name");
    if (!name) return;
    name.addEventListener("input", clearRuleErrors, { once: true });
    card.scrollIntoView({ block: "center" });
    name.focus({ preventScroll: true });
  }

  function clearRuleErrors() {
    for (const shown of $("rules").querySelectorAll(".rule-error")) shown.remove();
    for (const card of $("rules").querySelectorAll(".rule-invalid")) card.classList.remove("rule-invalid");
  }

  async function saveRules() {
    const message = $("rules-message");
    const note = $("rules-note").value.trim();
    clearRuleErrors();
    if (!note) { message.className = "error"; message.textContent = T("请填写修改说明"); $("rules-note").focus(); return; }
    const idle = state.rules.findIndex((rule) => !rule.stop && !ruleActs(rule.then || {}));
    if (idle >= 0) {
      const text = T("规则 #{0}「{1}」没有设置任何动作：请选择队列、优先级或通知，或勾选“匹配后停止”，或删除这条规则。", idle + 1, state.rules[idle].name || "");
      message.className = "error";
      message.textContent = text;
      showRuleError(idle, text);
      return;
    }
    const result = await api("PUT", `/api/rules?locale=${StaffI18n.locale}`, { rules: state.rules, note });
    if (!result.ok) {
      message.className = "error";
      // a coded problem names its rule by its number on the page ("规则 #2：…"), and the field
      // of it ("规则 #2 的关键词：最多 200 项"); one about the whole set names the rules
      const ruleNamed = (field) => {
        // a name taken says so itself: "规则 #2：已有另一条规则叫「…」"
        const part = result.data.code === "rule_name_taken" ? undefined : RULE_FIELDS[(/\.(\w+)(?:\[\d+\])?$/.exec(field || "") || [])[1]];
        if (result.data.rule) return { name: part ? T("规则 #{0} 的{1}", result.data.rule, T(part)) : T("规则 #{0}", result.data.rule) };
        return field === "rules" ? { name: T("分派规则") } : {};
      };
      message.textContent = result.status === 404 ? T("分派规则暂不可用") : Staff.errorText(result, T("保存失败（{0}）", result.status), ruleNamed);
      if (result.data.code === "rule_name_taken") markRuleName(result.data.rule - 1, message.textContent);
      // a page of many rules puts the message below the fold: 保存 must not look like it did nothing
      message.scrollIntoView({ block: "nearest" });
      return;
    }
    $("rules-note").value = "";
    showRules(result.data);
    sayRulesSaved(T("已保存，版本 {0}", result.data.version), result.data);
  }

  // A rule's fields as a save's error names them (PUT /api/rules' path, rules[2].when.keywords).
  const RULE_FIELDS = { name: "名称", keywords: "关键词", categories: "类别", grades: "级别", channels: "渠道", tiers: "客户类别", signals: "信号" };

  // The rules in force leave a queue's agents without cases (no rule names it), or send cases to
  // a queue nobody takes: said above the rules whenever they are shown.
  function showQueueWarnings(body) {
    const names = (queues) => StaffI18n.list((queues || []).map((q) => q.name || q.id));
    const lines = [];
    if ((body.queues_without_rules || []).length) {
      lines.push(T("「{0}」有成员客服，但没有规则把投诉分派到那里：它的客服收不到新投诉。", names(body.queues_without_rules)));
    }
    if ((body.queues_without_takers || []).length) {
      lines.push(T("规则把投诉分派到「{0}」，但那里没有成员客服：投诉可能无人认领。", names(body.queues_without_takers)));
    }
    const box = $("rules-warnings");
    clear(box, lines.map((text) => el("li", { text })));
    box.hidden = !lines.length;
  }

  // Saved all the same; a queue nobody takes is named so its complaints do not sit unseen.
  function sayRulesSaved(text, body) {
    const empty = (body.queues_without_takers || []).map((q) => q.name || q.id);
    const message = $("rules-message");
    message.className = empty.length ? "error" : "muted";
    message.textContent = empty.length
      ? T("{0}；注意：「{1}」目前没有成员客服，分派到那里的投诉可能无人认领。", text, StaffI18n.list(empty))
      : text;
  }

  // ---------------------------------------------------------------- dead letters

  async function loadDeadLetters() {
    const result = await api("GET", "/api/dead-letters");
    if (!result.ok) { clear($("dead-letters"), failed(result, T("发送失败列表"))); return; }
    const items = result.data.dead_letters || [];
    clear($("dead-letters"), items.length
      ? table(["#", T("任务"), T("会话"), T("错误"), T("次数"), T("时间"), T("重发")], items.map((d) => [
        d.id, label("job", d.job),
        d.conversation_id ? el("a", { href: `/console/#conversation=${d.conversation_id}`, text: T("会话 {0}", d.conversation_id) }) : "—",
        d.error, d.tries, formatTime(d.created_at),
        d.retried_at ? T("已重发 {0}", formatTime(d.retried_at)) : el("button", { type: "button", text: T("重发"), onclick: async () => {
          const retried = await api("POST", `/api/dead-letters/${d.id}/retry`, {});
          $("dead-message").textContent = retried.ok ? T("已重新排队") : (retried.data.error || T("失败（{0}）", retried.status));
          loadDeadLetters();
        } })]))
      : empty(T("没有发送失败的消息")));
  }

  // ---------------------------------------------------------------- try a sentence

  function tags(kind, values) {
    return values.length ? values.map((v) => `${label(kind, v)} ${v}`).join(" · ") : "—";
  }

  async function understand() {
    const text = $("understand-text").value.trim();
    const message = $("understand-message");
    if (!text) return;
    const locale = $("understand-locale").value;
    const result = await api("POST", "/api/understand", locale ? { text, locale } : { text });
    if (!result.ok) {
      message.className = "error";
      message.textContent = Staff.errorText(result, T("分析失败（{0}）", result.status));
      return;
    }
    message.textContent = "";
    const u = result.data;
    const slots = Object.entries(u.slots).filter(([, v]) => v);
    clear($("understand-result"), table([T("项目"), T("结果")], [
      [T("语言"), `${label("locale", u.locale)} ${u.locale}`],
      [T("意图"), tags("intent", u.intents)],
      [T("类别"), u.category ? `${categoryName(u.category)} (${u.category})` : "—"],
      [T("级别"), u.grade ? `${label("grade", u.grade)} ${u.grade}` : "—"],
      [T("信号"), tags("signal", u.signals)],
      [T("模型提示（未采用）"), [...(u.suggested_signals || []).map((s) => `${label("signal", s)} ${s}`),
        ...(u.suggested_intents || []).map((i) => `${label("intent", i)} ${i}`)].join(" · ") || "—"],
      ...slots.map(([k, v]) => [`${label("slot", k)} ${k}`, v]),
    ]));
    $("understand-result").firstChild.id = "understand-table";
  }

  const LOADERS = {
    dashboard: loadDashboard, rules: loadRules, standards: () => { const wanted = standardsSection; standardsSection = null; return Standards.open(state.me, wanted); },
    understand: () => $("understand-text").focus(), "dead-letters": loadDeadLetters,
    staff: () => window.staffAccounts.load(state.me),
    reports: () => window.managerReports.load(), // issue 14 (reports)
    audit: () => window.auditLog.load(),  // audit log (issue 14): audit.js
  };

  // ---------------------------------------------------------------- live

  const refreshDashboard = Staff.throttle(loadDashboard, 2000);

  function onEvent(frame) {
    if (frame.type === "queue" || frame.type === "notification") refreshDashboard();
    else if (frame.type === "rules" && !$("tab-rules").hidden && !state.rulesDirty && !$("rules-note").value) loadRules();
  }

  function onSocketState(live) {
    const badge = $("live");
    badge.dataset.state = live;
    badge.textContent = live === "live" ? T("实时") : T("离线，重连中…");
    if (live === "live") loadDashboard();
  }

  for (const button of document.querySelectorAll(".tabs button")) {
    button.addEventListener("click", () => showTab(button.dataset.tab));
  }
  $("logout").addEventListener("click", () => Staff.signOut());
  $("rule-add").addEventListener("click", () => { state.rules.push(blankRule()); state.rulesDirty = true; renderRules(); });
  for (const kind of ["input", "change"]) $("rules").addEventListener(kind, () => { state.rulesDirty = true; });
  window.addEventListener("beforeunload", (event) => { if (state.rulesDirty) event.preventDefault(); });
  $("rules-save").addEventListener("click", saveRules);
  $("understand-run").addEventListener("click", understand);

  // Agents: the manager's panels are removed; only the standards (read only) stay (issue 14).
  function denied() {
    const main = document.querySelector("main.page");
    for (const section of main.querySelectorAll(".tab")) if (section.id !== "tab-standards") section.remove();
    main.prepend(el("div", { class: "panel", id: "denied" },
      el("h2", { text: T("管理台仅限主管和经理使用") }),
      el("p", {}, T("您的账号是客服账号，请在客服工作台处理会话；这里可以查看标准用语和服务忌语（只读）。 "),
        el("a", { href: "/console/", text: T("去客服工作台") }))));
    $("live").hidden = true;
  }

  // #standards/<section>; the old #phrases and #deadlines links open those sections.
  let standardsSection = null;
  function tabFromHash() {
    const [tab, section] = location.hash.slice(1).split("/");
    if (Standards.SECTIONS.includes(tab)) { standardsSection = tab; return "standards"; }
    if (tab === "standards") standardsSection = section || null;
    return tab;
  }

  Staff.boot(T("管理台 登录"), async (me) => {
    state.me = me;
    Staff.showWhoami(me);
    const allowed = TABS_FOR[me.role] || [];
    for (const button of document.querySelectorAll(".tabs button")) button.hidden = !allowed.includes(button.dataset.tab);
    if (me.role === "agent") {
      denied();
      showTab("standards");
      document.body.dataset.ready = "true";
      return;
    }
    $("rules-readonly").hidden = me.role === "manager";
    for (const node of document.querySelectorAll(".manager-only")) node.hidden = me.role !== "manager";
    await loadNames();
    // The console only watches conversation-free events: queue, notifications, rules.
    Staff.events.watch([0]);
    Staff.events.connect(onEvent, onSocketState);
    const tab = tabFromHash();
    showTab(allowed.includes(tab) ? tab : "dashboard");
    setInterval(() => { if (!$("tab-dashboard").hidden) loadDashboard(); }, 30_000);
    document.body.dataset.ready = "true";
  });
})();
