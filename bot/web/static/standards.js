// The service standards in the manager console (issue 14): phrases, forbidden phrases, deadlines,
// categories and keywords, calendar, follow-ups, timers and FAQ, edited over /api/standards.
// Every section has the same frame: a form (or its YAML), Save with a note, the version in force,
// its history with readable diffs and a rollback per version, and YAML export / import.
// All data is rendered as text (Staff.el), never as HTML.
"use strict";

const Standards = (() => {
  const { el, clear, api, formatTime, label } = Staff;

  const SECTIONS = [
    ["phrases", T("用语")],
    ["forbidden", T("服务忌语")],
    ["deadlines", T("答复时限")],
    ["classification", T("类别与关键词")],
    ["calendar", T("日历")],
    ["followups", T("跟进与回访")],
    ["timers", T("计时")],
    ["faq", T("常见问题")],
  ];
  const TITLE = Object.fromEntries(SECTIONS);  // in the page's language only
  // The signals an override may match (bot.config.Signal).
  const SIGNALS = ["emotional", "media_legal", "violence", "staff_error", "repeat", "elder", "compensation", "prepared",
    "danger", "self_harm", "health"];

  // Readable names of the phrases (the API gives ids); an id not here is shown as it is.
  const PHRASE_LABELS = {
    greeting_morning: T("问候·早上"), greeting_afternoon: T("问候·下午"), greeting_evening: T("问候·晚上"),
    greeting_opening: T("开场白"), greeting_known_customer: T("问候老客户"), title_male: T("称呼·先生"), title_female: T("称呼·女士"),
    invite_complaint: T("请客户讲述问题"), empathy: T("安抚情绪"), description_recorded: T("情况已记录"), repeat_acknowledged: T("同一消息重发·已收到"), ask_details: T("请客户讲具体情况"), ask_phone: T("询问联系电话"),
    invalid_phone: T("电话格式不对"), phone_digit_short: T("电话少一位"), phone_digit_long: T("电话多一位"), phone_pieces_more: T("请继续说完电话"), ask_phone_number: T("客户答应后·问号码"), phone_not_known: T("称已留电话·未查到再问"), place_pieces_more: T("请继续说完地点"), ask_area: T("询问地点"), ask_area_again: T("再问地点"), explain_phone: T("解释·为何留电话"), explain_area: T("解释·地点问题"), explain_confirm: T("解释·复述确认"), ask_estate: T("询问小区名称"), restate: T("复述确认"), restate_problem: T("复述·问题"), restate_photos: T("复述·附照片"), restate_more_categories: T("复述·多个问题类别"),
    restate_name: T("复述·称呼"), restate_surname: T("复述·仅知姓氏"), restate_phones: T("复述·电话与备用电话"), restate_phone_extension: T("复述·电话与分机"), not_given: T("未提供"), contact_by_channel: T("通过本渠道联系"), confirm_question: T("请客户确认"), confirm_question_again: T("再请客户确认"), confirm_unclear_handoff: T("无法确认·按复述登记转人工"), restated_check: T("主管已受理·请客户核对复述"),
    ask_correction: T("询问更正哪一项"), ask_correct_description: T("请重新描述问题"), ask_correct_phone: T("请重新提供电话"),
    ask_correct_area: T("请重新提供地点"), confirmed_thanks: T("确认后致谢"), promise: T("承诺答复时限"), promise_by_date: T("承诺答复日期"),
    promise_within_an_hour: T("承诺一小时内答复"), promise_minutes: T("承诺几分钟内答复"), promise_urgent: T("紧急·值班主管跟进·承诺答复"),
    promise_careful: T("谨慎承诺"), open_case: T("已有在办投诉"), open_case_taking_more: T("已有在办投诉·补充记入"), case_number: T("告知投诉编号"), handoff_follow_up: T("转人工后跟进"),
    handoff_follow_up_by_channel: T("转人工后跟进（渠道联系）"), message_recorded: T("留言已记录"), describe_in_words: T("请客户用文字描述"), describe_in_words_again: T("再请客户用文字描述"), invite_complaint_again: T("再请客户讲述问题"), offer_call_back: T("不便打字可留电话回电"), call_back_promised: T("已记下回电"), edits_not_read: T("编辑的消息无法读取"), stale_button: T("过期的按钮"), staff_error_apology: T("员工差错致歉"),
    suggestion_thanks: T("感谢建议"), customer_apologised: T("客户道歉时"), customer_thanked: T("客户致谢时"), out_of_scope: T("非服务范围"),
    harassment_warning: T("骚扰警告"), harassment_close: T("骚扰后结束对话"), human_requested: T("客户要求人工"),
    escalated_supervisor: T("已转主管"), safety_first: T("安全提示"), safety_electric: T("安全提示·电气"), safety_fire: T("安全提示·火灾"), safety_gas: T("安全提示·燃气"), safe_now_noted: T("客户已到安全处"), safety_lift: T("安全提示·电梯困人"), safety_water: T("安全提示·爆管水浸"), safety_locked_out: T("安全提示·被关门外"), safety_life_support: T("安全提示·停电与医疗设备"), safety_injured: T("安全提示·有人受伤"), safety_child: T("安全提示·儿童遇险"), safety_child_water: T("安全提示·儿童落水"), safety_child_car: T("安全提示·儿童被锁车内"), safety_violence: T("安全提示·打斗持刀"), safety_manhole: T("安全提示·井盖缺失"), contact_corrected: T("联系电话已更正"), alternative_noted: T("备用电话已记录"), urgent_ask_place: T("紧急·询问地址"), urgent_ask_phone: T("紧急·询问电话"), place_noted: T("地址已记录"), place_noted_ask_phone: T("地址已记录·再要电话"), place_noted_ask_phone_form: T("登记中·地址已记录·要电话"), place_noted_by_channel: T("地址已记录·未留电话"), contact_noted: T("联系电话已记录"), self_harm_care: T("关心与求助热线"), urgent_handoff: T("紧急转值班主管"), idle_prompt: T("客户未回复提醒"), idle_close: T("未回复后结束对话"), please_wait: T("请稍候"), presence_wait: T("转人工后问有人吗·请稍候"), hello_again: T("转人工后再次问好·您好请讲"), photo_not_received: T("转人工后问照片·未收到照片"),
    anything_else: T("还有其他需要吗"), goodbye: T("道别"), we_apologise: T("致歉"), not_understood: T("没有听懂"),
    waiting_apology: T("久等致歉"), deadline_extended: T("时限延长告知"), case_reopened: T("投诉重新打开告知"), deadline_extended_case: T("时限延长告知·注明编号"), case_resolved_others_open: T("其中一个投诉已解决·另一个仍在处理"), case_resolved: T("投诉已解决告知（回访另有所指）"), resolution_untold: T("处理结果·客户语言之外时复述问题"), resolution_untold_category: T("处理结果·客户语言之外时只说类别"), case_numbers_more: T("多个投诉编号的连接"), question_later: T("咨询稍后答复"), wait_time: T("等待时长"), wait_time_minutes: T("等待时长（不足1小时）"), wait_time_an_hour: T("等待时长（1小时多）"), progress_follow_up: T("处理进度跟进"),
    waiting_apology_named: T("久等致歉·称呼客户"), progress_follow_up_named: T("处理进度跟进·称呼客户"), satisfaction_ask_rating_named: T("回访·请评分·称呼客户"), satisfaction_ask_rating_summary_named: T("回访·处理结果并请评分·称呼客户"),
    satisfaction_ask_rating: T("回访·请评分"), satisfaction_ask_rating_summary: T("回访·处理结果并请评分"), satisfaction_ask_comment: T("回访·请提意见"), satisfaction_sorry_ask_comment: T("回访·致歉并请提意见"), satisfaction_rating_range: T("回访·评分范围"), satisfaction_rating_reask: T("回访·再次请评分"), satisfaction_thanks: T("回访·致谢"), satisfaction_sorry: T("回访·致歉"), satisfaction_suggestion: T("回访·感谢建议"),
    satisfaction_reopened: T("回访·重新处理"), rating_after_reopen: T("回访·已重新处理时的评分"), reopen_which_case: T("重新处理·问哪一件"), satisfaction_unanswered: T("回访·未答复"), queue_position: T("排队位置"),
    queue_next: T("下一位就是您"), praise_thanks: T("感谢表扬"), consultation_taken: T("咨询已登记"), status_answer: T("进度查询·答复"),
    status_case_number: T("进度查询·编号"), status_waiting: T("进度·排队中"), status_waiting_next: T("进度·下一位"),
    status_waiting_unplaced: T("进度·等待分配"), status_with_agent: T("进度·客服处理中"), status_with_staff: T("进度·工作人员处理中"),
    status_resolved: T("进度·已解决"), status_deadline: T("进度·答复时限"), status_deadline_extended: T("进度·时限已延长"),
    handoff_ack: T("转人工后确认收到"), another_problem_added: T("另一问题已并入投诉"), supplement_added: T("补充情况已记入投诉"), another_problem_new_case: T("另一问题·另行登记"), status_apology: T("查询进度·致歉久等"), status_cases: T("查询进度·多个投诉逐个告知"), status_no_case: T("查无投诉"), status_no_such_case: T("查无所问投诉·告知现有投诉"), status_no_case_at_place: T("查无该地点的投诉"), case_number_later: T("登记后告知编号"), appeal_linked: T("申诉已关联"), appeal_linked_overdue: T("申诉·已超时"), appeal_linked_escalated: T("申诉·升级·告知新时限"),
    escalation_ask_phone: T("升级·询问回电号码"), escalation_phone_noted: T("升级·已记下号码"), supervisor_told: T("客服处理中·已报告主管"), supervisor_told_ask_phone: T("客服处理中·已报告主管·询问回电号码"), supervisor_ask_details: T("找主管·先问情况"),
    escalation_without_phone: T("升级·无回电号码"), escalation_reassure: T("升级·客户催促安抚"), escalation_reassure_brief: T("升级·再次催促·简短确认"), phone_reassure: T("说明电话用途"), ask_phone_again: T("再次请留电话"), phone_not_needed: T("无需电话"),
    option_yes: T("选项·对"), option_no: T("选项·不对"), option_description: T("选项·问题描述"), option_phone: T("选项·联系电话"),
    option_area: T("选项·地址"), options_range: T("选项·序号范围"), options_list: T("选项·列表"), option_line: T("选项·单行"),
    prepared_acknowledge: T("有备而来·回应"), health_noted: T("身体状况·关心"), withdrawn: T("客户放弃投诉·未讲问题"), withdrawn_not_filed: T("客户放弃投诉·不登记"),
    queue_after_hours: T("排队位置·非工作时间"), queue_position_by_deadline: T("排队位置·告知承诺答复时间"), queue_position_no_estimate: T("排队位置·不估等待时间"),
    queue_urgent: T("紧急情况·主管已收到·勿报排队"), queue_urgent_care: T("心理危机·主管已收到·勿报排队"), queue_urgent_held: T("紧急情况·同一IP过多·请自行拨打急救电话"), urgent_waiting_apology: T("紧急情况·久等致歉"), urgent_waiting_care: T("心理危机·久等关心"),
    urgent_deadline_passed: T("紧急情况·超时致歉"), urgent_deadline_passed_care: T("心理危机·超时关心"), withdraw_confirm: T("客户放弃投诉·确认"),
    withdrawn_after_handoff: T("客户放弃投诉·已转人工"), withdrawal_taken_back: T("客户收回放弃·继续处理"), withdraw_ask_case_number: T("客户撤销之前的投诉·问编号"), goodbye_unfiled: T("道别·投诉未登记"),
    sms_opted_out: T("短信退订·确认"), sms_opted_in: T("短信恢复接收·确认"),
    place_corrected: T("地点已更正"), form_resumed: T("接着上次的登记"), appeal_ask_case_number: T("申诉·问投诉编号"), verify_case_phone: T("核对投诉人·问完整联系电话"), verify_case_phone_again: T("核对投诉人·再问一次"), verify_case_phone_whole: T("核对投诉人·只给了部分号码·问完整号码"), case_check_no_phone_left: T("核对投诉人·未留电话·请回原处查询"), case_not_verified: T("核对未通过·作为新投诉登记"), case_not_verified_withdrawal: T("核对未通过·不撤销"), case_not_verified_status: T("核对未通过·不告知进度"), status_deadline_passed: T("进度·已过答复时限"),
    open_case_overdue: T("问候·未结投诉已超时"), open_case_overdue_taking_more: T("问候·未结投诉已超时·补充记入"), photo_quota_reached: T("照片已达上限"),
    status_with_supervisor: T("进度·值班主管处理中"), escalation_reassure_case: T("升级·客户催促·告知编号与时限"), escalated_deadline: T("升级·已有投诉·告知新时限"), escalated_within_an_hour: T("升级·已有投诉·承诺一小时内答复"),
  };
  const PLACEHOLDER_LABELS = {
    case_number: T("投诉编号"), deadline: T("答复时间"), hours: T("小时数"), organisation: T("单位名称"), work_number: T("工号"),
    salutation: T("问候语"), surname: T("姓"), title: T("称呼"), time_greeting: T("时段问候"), problem: T("问题"), area: T("地点"),
    phone: T("电话"), name: T("称呼"), category: T("类别"), summary: T("摘要"), wait: T("等待时长"), position: T("排队位置"),
    minutes: T("分钟数"), case: T("投诉"), stage: T("进度"), agent: T("客服"), first: T("首个序号"), last: T("末个序号"),
    number: T("序号"), label: T("选项文字"), alternative: T("备用电话"), extension: T("分机号"), case_prefix: T("编号前缀"), categories: T("类别列表"),
    case_numbers: T("前面的投诉编号"), open_cases: T("仍在处理的投诉编号"), cases: T("客户现有的投诉（编号和问题）"), count: T("数量"),
  };
  const WEEKDAYS = [T("一"), T("二"), T("三"), T("四"), T("五"), T("六"), T("日")];

  const state = {
    me: null,
    current: "phrases",
    list: [],            // GET /api/standards: the sections this user may read
    sections: {},        // section id → { loaded, draft, mode, yaml, dirty }
    locale: "zh-CN",
    phraseFilter: "",
    changedOnly: false,
    categories: {},      // category id → name, for the deadline overrides and follow-ups
    calendarSource: null,
  };

  const $ = (id) => document.getElementById(id);
  const copy = (value) => JSON.parse(JSON.stringify(value));
  // The same settings, whatever order an edit left the keys in.
  function sameValue(a, b) {
    if (a === b) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
  }
  const words = (text) => text.split(/[,，、\n]/).map((s) => s.trim()).filter(Boolean);

  function textarea(value, props) {
    const node = el("textarea", props);
    node.value = value ?? "";
    return node;
  }

  function field(labelText, control, hint) {
    return el("label", { class: "std-field" }, el("span", { class: "std-label", text: labelText }), control,
      hint ? el("span", { class: "muted", text: hint }) : null);
  }

  // options: [value, text] or [value, text, tooltip] (the id behind a readable name: 标准客户 → "standard")
  function select(options, value, props) {
    return el("select", props, options.map(([v, text, tip]) => el("option", { value: v, text, title: tip || "", selected: String(v) === String(value ?? "") })));
  }

  function removeButton(onclick) {
    return el("button", { type: "button", class: "danger std-remove", text: T("删除"), onclick });
  }

  // A duration stored in seconds, edited in the unit a person thinks in.
  function duration(seconds, path, onchange) {
    const unit = seconds % 3600 === 0 ? 3600 : seconds % 60 === 0 ? 60 : 1;
    const number = el("input", { type: "number", min: "1", step: "any", class: "narrow", value: String(seconds / unit), "data-path": path });
    const units = select([["1", T("秒")], ["60", T("分钟")], ["3600", T("小时")]], unit, { "aria-label": T("单位") });
    const update = () => onchange(Math.round(Number(number.value) * Number(units.value)));
    number.addEventListener("input", update);
    units.addEventListener("change", update);
    return el("span", { class: "std-duration" }, number, units);
  }

  function sectionState(id) {
    return state.sections[id] || (state.sections[id] = { loaded: null, draft: null, mode: "form", yaml: "", dirty: false, note: "" });
  }

  function editable(id) {
    const s = sectionState(id);
    return Boolean(s.loaded && s.loaded.editable);
  }

  function touched(id) {
    const s = sectionState(id);
    s.dirty = true;
    const count = $("std-dirty");
    if (count) count.textContent = T("有未保存的修改");
  }

  // ---------------------------------------------------------------- shell

  function build(root) {
    clear(root,
      el("div", { class: "std-layout" },
        el("nav", { class: "std-nav panel", "aria-label": T("服务标准") },
          el("h2", { text: T("服务标准") }),
          el("ul", { id: "std-sections", class: "std-sections" })),
        el("div", { class: "std-main" },
          el("div", { class: "panel", id: "std-panel" }),
          el("div", { class: "panel", id: "std-history-panel" },
            el("h2", { text: T("版本历史") }),
            el("div", { id: "std-history" })))));
  }

  function renderNav() {
    const items = SECTIONS.filter(([id]) => state.list.some((s) => s.section === id));
    clear($("std-sections"), items.map(([id, name]) => {
      const info = state.list.find((s) => s.section === id);
      return el("li", {},
        el("button", { type: "button", "data-section": id, "aria-current": String(id === state.current),
          onclick: () => select_(id) },
        el("span", { class: "std-nav-title", text: name }),
        el("span", { class: "muted", text: info ? `v${info.version} · ${info.changed_by || ""}` : "" })));
    }));
  }

  async function open(me, wanted) {
    state.me = me;
    const root = $("standards");
    if (!$("std-sections")) build(root);
    const result = await api("GET", "/api/standards");
    if (!result.ok) {
      clear($("std-panel"), result.status === 404 ? Staff.unavailable(T("服务标准")) :
        el("p", { class: "error", text: result.data.error || T("服务标准加载失败（{0}）", result.status) }));
      clear($("std-history"));
      return;
    }
    state.list = result.data.sections || [];
    const ids = state.list.map((s) => s.section);
    if (wanted && ids.includes(wanted)) state.current = wanted;
    if (!ids.includes(state.current)) state.current = ids[0];
    renderNav();
    if (state.current) await select_(state.current, { keepDraft: true });
  }

  async function select_(id, options = {}) {
    const previous = sectionState(state.current);
    if (id !== state.current && previous.dirty && !confirm(T("当前修改尚未保存，确定离开吗"))) return;
    if (id !== state.current) previous.dirty = false;
    state.current = id;
    history.replaceState(null, "", `#standards/${id}`);
    renderNav();
    const s = sectionState(id);
    if (!options.keepDraft || !s.loaded || !s.dirty) await load(id);
    else renderSection();
    loadHistory(id);
  }

  async function load(id) {
    const result = await api("GET", `/api/standards/${id}`);
    const s = sectionState(id);
    if (!result.ok) {
      if (id === state.current) clear($("std-panel"), el("p", { class: "error", text: result.data.error || T("加载失败（{0}）", result.status) }));
      return;
    }
    s.loaded = result.data;
    s.draft = copy(result.data.body);
    s.dirty = false;
    s.mode = "form";
    if (id === "deadlines" || id === "followups") await loadCategoryNames();
    if (id === "calendar") await loadCalendarSource();
    // The manager may have picked another section while this one was loading.
    if (id === state.current) renderSection();
  }

  async function loadCategoryNames() {
    const result = await api("GET", `/api/config/deadlines?locale=${StaffI18n.locale}`);
    if (result.ok) state.categories = Object.fromEntries((result.data.categories || []).map((c) => [c.id, c.name || c.id]));
  }

  async function loadCalendarSource() {
    const result = await api("GET", `/api/config/deadlines?locale=${StaffI18n.locale}`);
    state.calendarSource = result.ok ? result.data.calendar || null : null;
  }

  function versionLine(section) {
    return T("版本 v{0} · {1} · {2}{3}", section.version, section.changed_by || "—", formatTime(section.changed_at), section.note ? ` · ${Staff.versionNote(section.note)}` : "");
  }

  function renderSection() {
    const id = state.current;
    const s = sectionState(id);
    const section = s.loaded;
    if (!section) return;  // still loading: load() renders it
    const canEdit = editable(id);
    const form = s.mode === "yaml" ? yamlEditor(id) : EDITORS[id](s.draft, id);
    const panel = $("std-panel");
    clear(panel,
      el("div", { class: "std-head" },
        el("h2", { id: "std-title", text: TITLE[id] }),
        el("span", { class: "muted", id: "std-version", text: versionLine(section) }),
        el("span", { class: "spacer" }),
        el("span", { class: "std-modes", role: "group", "aria-label": T("编辑方式") },
          el("button", { type: "button", id: "std-mode-form", "aria-pressed": String(s.mode === "form"), text: T("表单"),
            onclick: () => switchMode("form") }),
          el("button", { type: "button", id: "std-mode-yaml", "aria-pressed": String(s.mode === "yaml"), text: "YAML",
            onclick: () => switchMode("yaml") }))),
      canEdit ? null : el("p", { class: "notice", id: "std-readonly",
        text: T("只读：仅经理可以修改服务标准") }),
      el("div", { id: "std-form", class: "std-form" }, form),
      el("div", { class: "std-save" },
        el("p", { id: "std-message", role: "alert" }),
        canEdit ? el("div", { class: "actions" },
          el("input", { type: "text", id: "std-note", size: "40", placeholder: T("修改说明"), "aria-label": T("修改说明"),
            value: s.note || "", oninput: (event) => { s.note = event.target.value; } }),
          el("button", { type: "button", id: "std-save", class: "primary", text: T("保存"), onclick: save }),
          el("span", { id: "std-dirty", class: "muted", text: s.dirty ? T("有未保存的修改") : "" }),
          el("span", { class: "spacer" }),
          el("a", { href: `/api/standards/${id}?format=yaml`, id: "std-export", class: "button", download: `${id}-v${section.version}.yaml`,
            text: T("导出") }),
          el("label", { class: "button", id: "std-import-label" }, T("导入"),
            el("input", { type: "file", id: "std-import", accept: ".yaml,.yml,text/yaml", hidden: true, onchange: importYaml })))
          : el("div", { class: "actions" },
            el("a", { href: `/api/standards/${id}?format=yaml`, id: "std-export", class: "button", download: `${id}-v${section.version}.yaml`,
              text: T("导出") }))));
    if (!canEdit) readOnly($("std-form"));
  }

  // Read only: texts stay readable and copyable; the locale switch and the filter still work.
  function readOnly(root) {
    for (const node of root.querySelectorAll("input, select, textarea, button")) {
      if (node.closest(".std-toolbar")) continue;
      if (node.matches("textarea, input[type=text], input[type=number], input[type=time], input[type=date]")) node.readOnly = true;
      else node.disabled = true;
    }
  }

  async function fetchYaml(id) {
    const response = await fetch(`/api/standards/${id}?format=yaml`, { credentials: "same-origin" });
    return response.ok ? response.text() : null;
  }

  async function switchMode(mode) {
    const id = state.current;
    const s = sectionState(id);
    if (s.mode === mode) return;
    if (s.dirty && !confirm(T("切换编辑方式会放弃未保存的修改，继续吗"))) return;
    if (mode === "yaml") {
      const text = await fetchYaml(id);
      if (text === null) { showMessage("error", T("YAML 加载失败")); return; }
      s.yaml = text;
    }
    s.draft = copy(s.loaded.body);
    s.dirty = false;
    s.mode = mode;
    renderSection();
  }

  function importYaml(event) {
    const file = event.target.files[0];
    if (!file) return;
    file.text().then((text) => {
      const s = sectionState(state.current);
      s.mode = "yaml";
      s.yaml = text;
      s.dirty = true;
      renderSection();
      showMessage("muted", T("已载入 {0}，检查后填写说明并保存", file.name, file.name));
    });
  }

  function yamlEditor(id) {
    const s = sectionState(id);
    return el("div", {},
      el("p", { class: "muted", text: T("与 config/ 中的 YAML 文件格式相同；保存时按启动时的规则检查。") }),
      textarea(s.yaml, { id: "std-yaml", class: "std-yaml", rows: "28", spellcheck: "false",
        oninput: (event) => { s.yaml = event.target.value; touched(id); } }));
  }

  // A problem's field as this page names it ("答复时限·简单·标准客户", "用语「询问联系电话」"),
  // with its numbers' unit: Staff.errorText/problemText.
  function fieldName(path) {
    const parts = String(path).split(".");
    const hours = (n) => T("{0}小时", n);
    if (parts[0] === "deadlines" && parts[1] === "table" && parts.length === 4) {
      return { name: [TITLE.deadlines, label("grade", parts[2]), label("tier", parts[3])].join("·"), amount: hours };
    }
    if (parts[0] === "deadlines" && parts[1] === "overrides" && parts[4] !== "clock") {
      return { name: `${TITLE.deadlines}·${T("例外 {0}", Number(parts[2]) + 1)}`, amount: hours };
    }
    // a manager rule, numbered as the rules page numbers it (from 1)
    if (parts[0] === "rules" && /^\d+$/.test(parts[1] || "")) return { name: T("分派规则 #{0}", Number(parts[1]) + 1) };
    if (parts[0] === "phrases" && parts[2] === "phrases" && parts[3]) {
      return { name: `${TITLE.phrases}「${PHRASE_LABELS[parts[3]] || parts[3]}」` };
    }
    for (let end = parts.length; end > 1; end -= 1) {
      const node = document.querySelector(`#std-form [data-path="${CSS.escape(parts.slice(0, end).join("."))}"]`);
      const named = node && (node.getAttribute("aria-label") || node.closest(".std-field")?.querySelector(".std-label")?.textContent);
      if (named) return { name: `${TITLE[parts[0]] || parts[0]}·${named}` };
    }
    return null;
  }

  function problemLine(p) {
    const said = Staff.problemText(p, fieldName);
    return said ? el("li", { text: said }) : el("li", {}, el("code", { text: p.path }), `: ${p.message}`);
  }

  function showMessage(kind, text, problems) {
    const message = $("std-message");
    if (!message) return;
    message.className = kind;
    clear(message, text, problems && problems.length ? el("ul", { class: "std-problems" }, problems.map(problemLine)) : null);
  }

  function markProblems(problems) {
    for (const node of document.querySelectorAll("#std-form .invalid")) node.classList.remove("invalid");
    let first = null;
    for (const problem of problems || []) {
      for (const node of document.querySelectorAll("#std-form [data-path]")) {
        const path = node.dataset.path;
        if (path === problem.path || problem.path.startsWith(`${path}.`)) {
          node.classList.add("invalid");
          first = first || node;
        }
      }
    }
    if (first) first.scrollIntoView({ block: "center" });
  }

  // confirmed: the manager has read the draft's warnings (deadlineWarnings) and saves it anyway.
  async function save(confirmed) {
    const id = state.current;
    const s = sectionState(id);
    // Saving the version in force again would only add a version that changes nothing.
    if (s.mode === "form" && sameValue(s.draft, s.loaded.body)) { showMessage("warning", T("没有改动，无需保存")); return; }
    const note = $("std-note").value.trim();
    if (!note) { showMessage("error", T("请填写修改说明")); $("std-note").focus(); return; }
    // Only 仍然保存 confirms (save(true)); 保存 again asks again. The server asks too (a 422 with
    // its warnings), for an imported or YAML draft the form did not check.
    const confirm = (warnings) => {
      showMessage("warning", T("请确认后再保存："));
      $("std-message").append(el("ul", { class: "std-problems" }, warnings.map((text) => el("li", { text }))),
        el("button", { type: "button", id: "std-save-anyway", class: "primary", text: T("仍然保存"), onclick: () => save(true) }), " ",
        el("button", { type: "button", id: "std-save-back", text: T("返回修改"), onclick: () => showMessage("", "") }));
    };
    const warnings = id === "deadlines" && s.mode === "form" ? deadlineWarnings(s.draft) : [];
    if (warnings.length && confirmed !== true) { confirm(warnings); return; }
    const request = s.mode === "yaml" ? { yaml: s.yaml, note, base_version: s.loaded.version }
      : { body: s.draft, note, base_version: s.loaded.version };
    if (confirmed === true) request.confirm_warnings = true;
    $("std-save").disabled = true;
    const result = await api("PUT", `/api/standards/${id}`, request);
    $("std-save").disabled = false;
    if (result.status === 409 && result.data.code === "unchanged") {
      showMessage("warning", T("没有改动，无需保存（仍是 v{0}）", result.data.version));
      return;
    }
    if (result.status === 409) {
      showMessage("error bad", T("其他人已保存了新版本，请重新加载后再修改"));
      $("std-message").append(el("button", { type: "button", id: "std-reload", text: T("重新加载"), onclick: () => reload(id) }));
      return;
    }
    if (result.status === 422 && result.data.warnings) {
      confirm(result.data.warnings.map((w) => T("{0}·{1} {2}小时，比{3}·{1} {4}小时还长：{0}会比{3}等得更久",
        label("tier", w.tier), label("grade", w.grade), w.hours, label("tier", w.other_tier), w.other_hours)));
      return;
    }
    if (!result.ok) {
      const problems = result.data.problems || [];
      // A bad phrase of the other locale, or one the filter hides: show it before marking it.
      // The search stays when it shows the bad phrase.
      const phrase = id === "phrases" && s.mode === "form" && problems[0] ? problems[0].path.match(/^phrases\.([^.]+)\.phrases\./) : null;
      const shown = phrase && document.querySelector(`#std-form [data-path="${CSS.escape(problems[0].path)}"]`);
      if (phrase && (phrase[1] !== state.locale || (state.phraseFilter && !shown))) {
        state.locale = phrase[1];
        state.phraseFilter = "";
        renderSection();
      }
      const first = problems[0];
      const listed = problems.length > 1 || (first && !first.code && !String(result.data.error || "").includes(first.path));
      showMessage("error", Staff.errorText(result, T("保存失败（{0}）", result.status), fieldName), listed ? problems : []);
      markProblems(problems);
      return;
    }
    s.loaded = result.data;
    s.draft = copy(result.data.body);
    s.dirty = false;
    s.note = "";
    s.mode = "form";
    state.changedOnly = false;
    renderSection();
    showMessage("ok", T("已保存，版本 v{0}，已在所有实例生效", result.data.version));
    refreshList();
    loadHistory(id);
  }

  async function reload(id) {
    sectionState(id).dirty = false;
    await load(id);
    refreshList();
    loadHistory(id);
  }

  async function refreshList() {
    const result = await api("GET", "/api/standards");
    if (result.ok) { state.list = result.data.sections || []; renderNav(); }
  }

  // ---------------------------------------------------------------- history

  function diffView(diff) {
    const lines = String(diff || "").split("\n");
    while (lines.length && lines[lines.length - 1] === "") lines.pop();
    const added = lines.filter((l) => l.startsWith("+") && !l.startsWith("+++")).length;
    const removed = lines.filter((l) => l.startsWith("-") && !l.startsWith("---")).length;
    const kind = (line) => (line.startsWith("+++") || line.startsWith("---") ? "meta"
      : line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "same");
    if (!lines.length) return el("p", { class: "muted", text: T("无改动") });
    return el("details", { class: "std-diff", open: lines.length <= 40 },
      el("summary", {}, T("改动"), " ", el("span", { class: "add", text: `+${added}` }), " ", el("span", { class: "del", text: `−${removed}` })),
      el("pre", {}, lines.map((line) => el("span", { class: `line ${kind(line)}`, text: `${line}\n` }))));
  }

  async function loadHistory(id) {
    const target = $("std-history");
    const result = await api("GET", `/api/standards/${id}/history`);
    if (id !== state.current) return;
    if (!result.ok) { clear(target, el("p", { class: "error", text: result.data.error || T("历史加载失败（{0}）", result.status) })); return; }
    const versions = result.data.versions || [];
    const newest = versions.length ? versions[0].version : null;
    clear(target, versions.length ? el("ol", { class: "std-versions" }, versions.map((v) => el("li", { "data-version": v.version },
      el("div", { class: "std-version-head" },
        el("strong", { text: `v${v.version}` }),
        v.version === newest ? el("span", { class: "badge current", text: T("当前") }) : null,
        el("span", { text: v.changed_by || "—" }),
        el("span", { class: "muted", text: formatTime(v.changed_at) }),
        v.rollback_of ? el("span", { class: "badge", text: T("回滚自 v{0}", v.rollback_of) }) : null,
        el("span", { class: "spacer" }),
        v.version !== newest && editable(id)
          ? el("button", { type: "button", class: "std-rollback", text: T("回滚到此版本"), onclick: () => rollback(id, v.version) })
          : null),
      v.note ? el("p", { class: "std-version-note", text: Staff.versionNote(v.note) }) : null,
      diffView(v.diff))))
      : el("p", { class: "muted", text: T("无历史") }));
  }

  async function rollback(id, version) {
    if (!confirm(T("确定回滚到版本 v{0} 吗？将生成一个新版本。", version, version))) return;
    const result = await api("POST", `/api/standards/${id}/rollback`, { version, note: T("回滚到 v{0}", version, version) });
    if (!result.ok) {
      showMessage("error", Staff.errorText(result, T("回滚失败（{0}）", result.status)), result.data.problems || []);
      return;
    }
    const s = sectionState(id);
    s.loaded = result.data;
    s.draft = copy(result.data.body);
    s.dirty = false;
    s.mode = "form";
    state.changedOnly = false;
    renderSection();
    showMessage("ok", T("已回滚到 v{0}，当前版本 v{1}", version, result.data.version));
    refreshList();
    loadHistory(id);
  }

  // ---------------------------------------------------------------- phrases

  function placeholdersIn(text) {
    return [...String(text).matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
  }

  function preview(text, allowed, samples) {
    const parts = [];
    let last = 0;
    for (const match of String(text).matchAll(/\{([^{}]*)\}/g)) {
      parts.push(text.slice(last, match.index));
      const name = match[1];
      if (allowed.includes(name) && samples[name] !== undefined) parts.push(el("mark", { class: "ph", title: `{${name}}`, text: samples[name] }));
      else parts.push(el("mark", { class: "ph-bad", title: T("不可用的占位符"), text: `{${name}}` }));
      last = match.index + match[0].length;
    }
    parts.push(String(text).slice(last));
    return parts;
  }

  function phraseRow(id, book, phraseId, allowed, samples, original) {
    const path = `phrases.${state.locale}.phrases.${phraseId}`;
    const out = el("div", { class: "std-preview", "aria-label": T("预览") });
    const warn = el("p", { class: "std-ph-warn error" });
    const update = (text) => {
      // Only a phrase with {placeholders} needs a preview; a plain one reads the same.
      out.hidden = !/\{[^{}]*\}/.test(text);
      clear(out, el("span", { class: "muted", text: T("预览 ") }), preview(text, allowed, samples));
      const bad = placeholdersIn(text).filter((name) => !allowed.includes(name));
      warn.textContent = bad.length
        ? T("此用语不能使用 {0}{1}", bad.map((b) => `{${b}}`).join(" "), allowed.length ? T("；可用：{0}", allowed.map((a) => `{${a}}`).join(" ")) : T("；此用语不能使用占位符"))
        : "";
      row.classList.toggle("changed", text !== original);
      undo.hidden = text === original || original === undefined;
    };
    const undo = el("button", { type: "button", class: "std-undo", text: T("撤销修改"), title: original, onclick: () => {
      input.value = original;
      book.phrases[phraseId] = original;
      update(original);
    } });
    const input = textarea(book.phrases[phraseId], {
      rows: String(Math.min(6, Math.max(1, Math.ceil(String(book.phrases[phraseId]).length / 60) + (String(book.phrases[phraseId]).match(/\n/g) || []).length))),
      "data-path": path, "data-phrase": phraseId, "aria-label": PHRASE_LABELS[phraseId] || phraseId,
      oninput: (event) => { book.phrases[phraseId] = event.target.value; update(event.target.value); touched(id); },
    });
    const row = el("div", { class: "std-phrase", "data-phrase-row": phraseId },
      el("div", { class: "std-phrase-name" },
        el("strong", { text: PHRASE_LABELS[phraseId] || phraseId }),
        el("code", { class: "muted", text: phraseId }),
        allowed.length ? el("div", { class: "std-chips" }, allowed.map((a) => el("span", { class: "chip", title: PLACEHOLDER_LABELS[a] || a,
          text: `{${a}} ${PLACEHOLDER_LABELS[a] || ""}` }))) : null),
      el("div", { class: "std-phrase-edit" }, input, warn, out, undo));
    update(book.phrases[phraseId]);
    return row;
  }

  function phrasesEditor(body, id) {
    const loaded = sectionState(id).loaded;
    const samples = loaded.samples || {};
    const placeholders = loaded.placeholders || {};
    const locales = Object.keys(body).sort((a, b) => (a === "zh-CN" ? -1 : b === "zh-CN" ? 1 : a.localeCompare(b)));
    if (!locales.includes(state.locale)) state.locale = locales[0];
    const book = body[state.locale];
    const original = loaded.body[state.locale] ? loaded.body[state.locale].phrases : {};
    const list = el("div", { id: "phrases", class: "std-phrases" });
    const renderList = () => {
      const filter = state.phraseFilter.trim().toLowerCase();
      const ids = Object.keys(book.phrases).filter((p) => (!filter || p.includes(filter) || (PHRASE_LABELS[p] || "").includes(filter)
        || String(book.phrases[p]).toLowerCase().includes(filter)) && (!state.changedOnly || book.phrases[p] !== original[p]));
      // each phrase's own samples in this language ("1小时内" beside a time within the hour), else the shared ones
      const own = (loaded.phrase_samples || {})[state.locale] || {};
      clear(list, ids.length ? ids.map((p) => phraseRow(id, book, p, placeholders[p] || [], own[p] || samples, original[p]))
        : el("p", { class: "muted", text: T("没有匹配的用语") }));
      if (!editable(id)) readOnly(list);
    };
    renderList();
    return el("div", {},
      el("div", { class: "actions std-toolbar" },
        el("span", { class: "std-modes", role: "group", "aria-label": T("语言") },
          locales.map((locale) => el("button", { type: "button", "data-locale": locale, "aria-pressed": String(locale === state.locale),
            text: `${label("locale", locale)} ${locale}`, onclick: () => { state.locale = locale; renderSection(); } }))),
        el("input", { type: "search", id: "phrase-filter", placeholder: T("搜索用语（名称、编号或文字）"), value: state.phraseFilter, size: "36",
          oninput: (event) => { state.phraseFilter = event.target.value; renderList(); } }),
        el("label", { class: "check" }, el("input", { type: "checkbox", id: "phrase-changed-only", checked: Boolean(state.changedOnly),
          onchange: (event) => { state.changedOnly = event.target.checked; renderList(); } }), T("只看已修改")),
        el("span", { class: "muted", text: T("{…} 由机器人填入；预览使用示例值。") })),
      list,
      el("p", { class: "muted", text: T("时间用语（time_words: 今天、明天、上午…）请在 YAML 中修改。") }));
  }

  // ---------------------------------------------------------------- forbidden phrases

  function forbiddenEditor(body, id) {
    const rerender = () => { touched(id); renderSection(); };
    const text = (value, path, onchange, props = {}) => el("input", { type: "text", value: value ?? "", "data-path": path, ...props,
      oninput: (event) => { onchange(event.target.value); touched(id); } });
    const locales = [["zh-CN", T("中文")], ["en", T("英文")]];
    return el("div", {},
      el("div", { class: "actions" },
        field(T("客服发送含忌语的回复时"),
          select([["warn", T("提醒，可仍然发送")], ["block", T("禁止发送")]], body.agent_guard, {
            id: "guard-mode", "data-path": "forbidden.agent_guard",
            onchange: (event) => { body.agent_guard = event.target.value; touched(id); } }))),
      el("h3", { text: T("忌语 → 正确表达") }),
      el("table", { id: "forbidden", class: "std-table" },
        el("thead", {}, el("tr", {}, [T("忌语"), T("正确表达"), T("语言"), T("出处"), ""].map((h) => el("th", { text: h })))),
        el("tbody", {}, body.forbidden.map((item, i) => el("tr", { "data-forbidden": i },
          el("td", {}, text(item.text, `forbidden.forbidden.${i}.text`, (v) => { item.text = v; }, { "aria-label": T("忌语"), class: "wide" })),
          el("td", {}, text(item.instead, `forbidden.forbidden.${i}.instead`, (v) => { item.instead = v; }, { "aria-label": T("正确表达"), class: "wide" })),
          el("td", {}, select(locales, item.locale || "zh-CN", { "data-path": `forbidden.forbidden.${i}.locale`,
            onchange: (event) => { item.locale = event.target.value; touched(id); } })),
          el("td", {}, text(item.source, `forbidden.forbidden.${i}.source`, (v) => { item.source = v; }, { "aria-label": T("出处") })),
          el("td", {}, removeButton(() => { body.forbidden.splice(i, 1); rerender(); })))))),
      el("div", { class: "actions" },
        el("input", { type: "text", id: "forbidden-new-text", placeholder: T("新忌语，例如：这不归我们管"), size: "24" }),
        el("input", { type: "text", id: "forbidden-new-instead", placeholder: T("正确表达，例如：这是我们的责任"), size: "30" }),
        el("button", { type: "button", id: "forbidden-add", text: T("添加忌语"), onclick: () => {
          const newText = $("forbidden-new-text").value.trim();
          const instead = $("forbidden-new-instead").value.trim();
          if (!newText || !instead) { showMessage("error", T("请填写忌语和正确表达")); return; }
          body.forbidden.push({ text: newText, instead, locale: /^[\x00-\x7f]*$/.test(newText) ? "en" : "zh-CN", source: "" });
          rerender();
        } })),
      el("h3", { text: T("同义说法") }),
      el("p", { class: "muted", text: T("正则表达式，匹配时忽略标点、空格和大小写；每条须列出它能识别的例句（保存时检查）。") }),
      el("div", { id: "forbidden-patterns" }, (body.patterns || []).map((p, i) => el("div", { class: "rule std-pattern", "data-pattern": p.id },
        el("div", { class: "rule-grid" },
          field(T("标识"), text(p.id, `forbidden.patterns.${i}.id`, (v) => { p.id = v; })),
          field(T("正确表达"), text(p.instead, `forbidden.patterns.${i}.instead`, (v) => { p.instead = v; })),
          field(T("语言"), select(locales, p.locale || "zh-CN", { "data-path": `forbidden.patterns.${i}.locale`,
            onchange: (event) => { p.locale = event.target.value; touched(id); } }))),
        field(T("规则（正则表达式）"), text(p.pattern, `forbidden.patterns.${i}.pattern`, (v) => { p.pattern = v; }, { class: "mono wide" })),
        field(T("例句（每行一句）"), textarea((p.examples || []).join("\n"), { rows: String(Math.max(2, (p.examples || []).length)),
          "data-path": `forbidden.patterns.${i}.examples`,
          oninput: (event) => { p.examples = event.target.value.split("\n").map((s) => s.trim()).filter(Boolean); touched(id); } })),
        el("div", { class: "actions" }, removeButton(() => { body.patterns.splice(i, 1); rerender(); }))))),
      el("div", { class: "actions" }, el("button", { type: "button", text: T("添加同义说法"), onclick: () => {
        body.patterns = body.patterns || [];
        body.patterns.push({ id: `pattern_${body.patterns.length + 1}`, pattern: "", instead: "", examples: [], locale: "zh-CN", source: "" });
        rerender();
      } })),
      el("h3", { text: T("视为相同的字") }),
      el("p", { class: "muted", text: T("每行一组：先写词，再写读作它的单字，以空格分开，例如「什么 啥」；匹配忌语前两边都这样读。") }),
      textarea(Object.entries(body.equivalents || {}).map(([word, variants]) => [word, ...variants].join(" ")).join("\n"), {
        rows: String(Math.max(3, Object.keys(body.equivalents || {}).length)), id: "forbidden-equivalents",
        "data-path": "forbidden.equivalents",
        oninput: (event) => {
          body.equivalents = Object.fromEntries(event.target.value.split("\n").map((line) => line.trim().split(/\s+/)).filter((words) => words[0])
            .map(([word, ...variants]) => [word, variants]));
          touched(id);
        } }),
      el("h3", { text: T("不字前后可插入的词") }),
      el("p", { class: "muted", text: T("以空格分开。「不」前的词（如「完全」：我完全不知道）与「不」后的词（如「太」：我不太知道）插入忌语中时仍视为该忌语。") }),
      ...[["before", T("不字前")], ["after", T("不字后")]].map(([side, label]) => field(label,
        text(((body.negation_fillers || {})[side] || []).join(" "), `forbidden.negation_fillers.${side}`, (v) => {
          body.negation_fillers = { ...(body.negation_fillers || {}), [side]: v.split(/\s+/).filter(Boolean) };
        }, { class: "wide", id: `forbidden-fillers-${side}` }))),
      el("h3", { text: T("忌语中可插入或省去的词") }),
      el("p", { class: "muted", text: T("以空格分开。称呼（如「您」：喂？你说话啊）插在忌语的两个汉字之间时、句末语气词（如「呀」：喂，说话！）省去时（至少余三个字），仍视为该忌语。") }),
      ...[["address", T("称呼词")], ["final_particles", T("句末语气词")]].map(([kind, label]) => field(label,
        text(((body.phrase_fillers || {})[kind] || []).join(" "), `forbidden.phrase_fillers.${kind}`, (v) => {
          body.phrase_fillers = { ...(body.phrase_fillers || {}), [kind]: v.split(/\s+/).filter(Boolean) };
        }, { class: "wide", id: `forbidden-phrase-fillers-${kind}` }))),
      el("h3", { text: T("正确表达（供客服选用，每行一句）") }),
      textarea((body.correct_expressions || []).join("\n"), { rows: String(Math.max(3, (body.correct_expressions || []).length)),
        "data-path": "forbidden.correct_expressions",
        oninput: (event) => { body.correct_expressions = event.target.value.split("\n").map((s) => s.trim()).filter(Boolean); touched(id); } }));
  }

  // ---------------------------------------------------------------- deadlines

  // A tier served first (any tier but the default, and an urgent tier over one that is not) whose
  // hours are longer than the other's for the same grade: allowed, but most likely a slip, as when
  // a VIP would wait longer than a standard customer. Said before saving; the manager may confirm.
  function deadlineWarnings(body) {
    const urgent = new Set(body.urgent_tiers || []);
    const before = (a, b) => a !== b && (b === body.default_tier || (urgent.has(a) && !urgent.has(b)));
    const warnings = [];
    for (const [grade, row] of Object.entries(body.table || {})) {
      for (const a of body.tiers || []) {
        for (const b of body.tiers || []) {
          // Hours the server refuses anyway (none, or not above 0) are its refusal's to name.
          if (before(a, b) && row[a] > 0 && row[b] > 0 && row[a] > row[b]) {
            warnings.push(T("{0}·{1} {2}小时，比{3}·{1} {4}小时还长：{0}会比{3}等得更久",
              label("tier", a), label("grade", grade), row[a], label("tier", b), row[b]));
          }
        }
      }
    }
    return warnings;
  }

  // The appeal's deadline ({hours, clock?} or {working_days}), or none (null: the case keeps its
  // time): an empty number is none.
  function appealRule(body, id, rerender) {
    const rule = body.appeal || {};
    const kind = rule.working_days !== undefined && rule.working_days !== null ? "working_days" : "hours";
    return el("span", { "data-path": "deadlines.appeal" },
      el("input", { type: "number", id: "appeal-deadline", min: kind === "hours" ? "0.5" : "1", max: kind === "hours" ? "720" : "30",
        step: kind === "hours" ? "0.5" : "1", class: "narrow", value: String(rule[kind] ?? ""), "aria-label": T("申诉答复时限"),
        oninput: (event) => {
          body.appeal = event.target.value === "" ? null : { ...(body.appeal || {}), [kind]: Number(event.target.value) };
          touched(id);
        } }), " ",
      select([["hours", T("小时")], ["working_days", T("个工作日")]], kind, { id: "appeal-unit", "aria-label": T("单位"), onchange: (event) => {
        const value = rule[kind];
        body.appeal = value === undefined || value === null ? null
          : { [event.target.value]: event.target.value === "working_days" ? Math.max(1, Math.round(value)) : value };
        rerender();
      } }),
      kind === "hours" ? [" ", select([["", T("按默认计时")], ["business_hours", T("只计服务时间")], ["wall", T("自然时间")],
        ["around_the_clock", T("全天候（不顺延到服务时间）")]], rule.clock || "", { "aria-label": T("计时方式"), "data-path": "deadlines.appeal.clock",
        onchange: (event) => {
          if (!body.appeal) return;
          if (event.target.value) body.appeal.clock = event.target.value; else delete body.appeal.clock;
          touched(id);
        } })] : null);
  }

  function deadlinesEditor(body, id) {
    const warnings = el("ul", { id: "deadline-warnings", class: "notice std-warnings", role: "status" });
    const warn = () => {
      const found = deadlineWarnings(body);
      warnings.hidden = !found.length;
      clear(warnings, found.map((text) => el("li", { text })));
    };
    warn();
    const rerender = () => { touched(id); renderSection(); };
    const grades = Object.keys(body.table);
    const tierName = (t) => label("tier", t);  // the name; its id only as a tooltip
    const any = [["", T("任意")]];
    const categories = Object.entries(state.categories);
    // the exceptions' column names, also each cell's label where a phone stacks a row's cells
    const overrideHeads = [T("类别"), T("客户类别"), T("级别"), T("信号"), T("时限")];
    return el("div", {},
      el("p", { class: "muted", text: T("承诺给客户的答复时限（小时），按投诉级别 × 客户类别。") }),
      el("table", { id: "deadlines", class: "std-table std-grid" },
        el("thead", {}, el("tr", {}, el("th", { text: T("级别 \\ 客户类别") }),
          body.tiers.map((t) => el("th", { title: t }, tierName(t), t === body.default_tier ? el("span", { class: "muted", text: T("（默认）") }) : null)))),
        el("tbody", {}, grades.map((grade) => el("tr", {},
          el("th", { title: grade, text: label("grade", grade) }),
          body.tiers.map((tier) => el("td", {},
            el("input", { type: "number", min: "0.5", max: "720", step: "0.5", class: "narrow", value: String(body.table[grade][tier] ?? ""),
              "data-path": `deadlines.table.${grade}.${tier}`, "data-cell": `${grade}.${tier}`, "aria-label": `${grade} ${tier}`,
              oninput: (event) => { body.table[grade][tier] = event.target.value === "" ? null : Number(event.target.value); touched(id); warn(); } }),
            el("span", { class: "unit", text: T(" 小时") }))))))),
      warnings,
      el("div", { class: "rule-grid std-options" },
        field(T("默认客户类别"), select(body.tiers.map((t) => [t, tierName(t), t]), body.default_tier, { "data-path": "deadlines.default_tier",
          onchange: (event) => { body.default_tier = event.target.value; rerender(); } })),
        field(T("计时方式"), select([["business_hours", T("只计服务时间")], ["wall", T("自然时间")]], body.clock, {
          "data-path": "deadlines.clock", onchange: (event) => { body.clock = event.target.value; touched(id); } })),
        field(T("时限取整到"), el("span", {}, el("input", { type: "number", min: "1", max: "60", class: "narrow", value: String(body.round_to_minutes ?? 30),
          "data-path": "deadlines.round_to_minutes", oninput: (event) => { body.round_to_minutes = Number(event.target.value); touched(id); } }),
          T(" 分钟"))),
        field(T("申诉答复时限"), appealRule(body, id, rerender), T("客户申诉后值班主管答复的时限，早于原时限时改用；留空则不改原时限")),
        field(T("延长时限至少"), el("span", {}, el("input", { type: "number", min: "0.5", max: "720", step: "0.5", class: "narrow",
          value: String(body.extension_min_hours ?? 1), "data-path": "deadlines.extension_min_hours",
          oninput: (event) => { body.extension_min_hours = Number(event.target.value); touched(id); } }), T(" 小时"))),
        field(T("每个投诉最多延长"), el("span", {}, el("input", { type: "number", min: "1", max: "20", class: "narrow",
          value: String(body.extensions_per_case ?? 3), "data-path": "deadlines.extensions_per_case",
          oninput: (event) => { body.extensions_per_case = Number(event.target.value); touched(id); } }), T(" 次")))),
        el("div", { class: "std-field" }, el("span", { class: "std-label", text: T("紧急客户类别（优先排队，通知客户经理）") }),
          el("div", { class: "std-checks", "data-path": "deadlines.urgent_tiers" }, body.tiers.map((t) => el("label", { class: "check" },
            el("input", { type: "checkbox", title: t, checked: (body.urgent_tiers || []).includes(t), onchange: (event) => {
              const set = new Set(body.urgent_tiers || []);
              if (event.target.checked) set.add(t); else set.delete(t);
              body.urgent_tiers = body.tiers.filter((x) => set.has(x));
              touched(id);
              warn();
            } }), tierName(t))))),
      el("h3", { text: T("例外（从上到下，先匹配者优先）") }),
      el("table", { id: "deadline-overrides", class: "std-table" },
        el("thead", {}, el("tr", {}, [...overrideHeads, ""].map((h) => el("th", { text: h })))),
        el("tbody", {}, (body.overrides || []).map((o, i) => {
          const kind = o.deadline.working_days !== undefined && o.deadline.working_days !== null ? "working_days" : "hours";
          return el("tr", { "data-override": i },
            el("td", { "data-label": overrideHeads[0] }, select([...any, ...categories.map(([c, n]) => [c, n, c]),
              ...(o.category && !state.categories[o.category] ? [[o.category, o.category]] : [])], o.category,
            { "data-path": `deadlines.overrides.${i}.category`, onchange: (event) => { o.category = event.target.value || null; touched(id); } })),
            el("td", { "data-label": overrideHeads[1] }, select([...any, ...body.tiers.map((t) => [t, tierName(t), t])], o.tier,
              { "data-path": `deadlines.overrides.${i}.tier`, onchange: (event) => { o.tier = event.target.value || null; touched(id); } })),
            el("td", { "data-label": overrideHeads[2] }, select([...any, ...grades.map((g) => [g, label("grade", g), g])], o.grade,
              { "data-path": `deadlines.overrides.${i}.grade`, onchange: (event) => { o.grade = event.target.value || null; touched(id); } })),
            el("td", { "data-label": overrideHeads[3] }, select([...any, ...SIGNALS.map((s) => [s, label("signal", s), s])], o.signal || "",
              { "data-path": `deadlines.overrides.${i}.signal`, onchange: (event) => { o.signal = event.target.value || null; touched(id); } }),
              el("input", { type: "text", class: "override-words", value: (o.words || []).join(", "),
                placeholder: T("问题须含的词（任意）"), title: T("逗号分隔；问题中含其中任一词才适用"), "aria-label": T("问题须含的词"),
                "data-path": `deadlines.overrides.${i}.words`, oninput: (event) => { o.words = words(event.target.value); touched(id); } })),
            el("td", { "data-path": `deadlines.overrides.${i}.deadline`, "data-label": overrideHeads[4] },
              el("input", { type: "number", min: kind === "hours" ? "0.5" : "1", max: kind === "hours" ? "720" : "30", step: kind === "hours" ? "0.5" : "1", class: "narrow", value: String(o.deadline[kind] ?? ""), "aria-label": T("时限数值"),
                oninput: (event) => { o.deadline[kind] = Number(event.target.value); touched(id); } }), " ",
              select([["hours", T("小时")], ["working_days", T("个工作日")]], kind, { "aria-label": T("单位"), onchange: (event) => {
                const value = o.deadline[kind];
                o.deadline = { [event.target.value]: event.target.value === "working_days" ? Math.max(1, Math.round(value || 1)) : value || 1 };
                rerender();
              } }),
              kind === "hours" ? [" ", select([["", T("按默认计时")], ["business_hours", T("只计服务时间")], ["wall", T("自然时间")],
                ["around_the_clock", T("全天候（不顺延到服务时间）")]], o.deadline.clock || "", { "aria-label": T("计时方式"),
                "data-path": `deadlines.overrides.${i}.deadline.clock`,
                onchange: (event) => { if (event.target.value) o.deadline.clock = event.target.value; else delete o.deadline.clock; touched(id); } })] : null),
            el("td", { class: "row-actions" },
              el("button", { type: "button", text: "↑", title: T("上移"), onclick: () => { if (i > 0) { [body.overrides[i - 1], body.overrides[i]] = [body.overrides[i], body.overrides[i - 1]]; rerender(); } } }),
              removeButton(() => { body.overrides.splice(i, 1); rerender(); })));
        }))),
      el("div", { class: "actions" }, el("button", { type: "button", id: "override-add", text: T("添加例外"), onclick: () => {
        body.overrides = body.overrides || [];
        body.overrides.push({ category: null, tier: null, grade: null, signal: null, deadline: { hours: 12 } });
        rerender();
      } })),
      el("p", { class: "muted", text: T("新增客户类别或级别请在 YAML 中修改。") }));
  }

  // ---------------------------------------------------------------- categories and keywords

  function classificationEditor(body, id) {
    const rerender = () => { touched(id); renderSection(); };
    const list = (value, path, onchange, rows = 2) => textarea((value || []).join(", "), { rows: String(rows), "data-path": path,
      oninput: (event) => { onchange(words(event.target.value)); touched(id); } });
    return el("div", { class: "std-classification" },
      el("div", {},
        el("p", { class: "muted", text: T("关键词用逗号分隔；命中关键词即归入该类别，弱关键词仅在没有其他类别命中时使用。") }),
        el("div", { id: "categories" }, body.categories.map((c, i) => el("div", { class: "rule std-category", "data-category": c.id },
          el("div", { class: "rule-grid" },
            field(T("标识"), el("input", { type: "text", value: c.id, "data-path": `classification.categories.${i}.id`,
              oninput: (event) => { c.id = event.target.value.trim(); touched(id); } })),
            field(T("名称（中文）"), el("input", { type: "text", value: c.name["zh-CN"], "data-path": `classification.categories.${i}.name.zh-CN`,
              oninput: (event) => { c.name["zh-CN"] = event.target.value; touched(id); } })),
            field(T("名称（英文）"), el("input", { type: "text", value: c.name.en, "data-path": `classification.categories.${i}.name.en`,
              oninput: (event) => { c.name.en = event.target.value; touched(id); } })),
            field(T("默认级别"), select([["simple", T("简单")], ["complex", T("复杂")]], c.default_grade,
              { "data-path": `classification.categories.${i}.default_grade`, onchange: (event) => { c.default_grade = event.target.value; touched(id); } }))),
          field(T("关键词"), list(c.keywords, `classification.categories.${i}.keywords`, (v) => { c.keywords = v; }, 3)),
          field(T("弱关键词"), list(c.weak_keywords, `classification.categories.${i}.weak_keywords`, (v) => { c.weak_keywords = v; })),
          togetherFields(c, i, id),
          el("div", { class: "actions" }, removeButton(() => { body.categories.splice(i, 1); rerender(); }))))),
        el("div", { class: "actions" },
          el("button", { type: "button", id: "category-add", text: T("添加类别"), onclick: () => {
            body.categories.push({ id: `category_${body.categories.length + 1}`, name: { "zh-CN": "新类别", en: "New category" }, keywords: [], weak_keywords: [], together: [], together_window: 3, default_grade: "simple" });
            rerender();
          } }),
          field(T("无法归类时"), select(body.categories.map((c) => [c.id, c.name["zh-CN"], c.id]), body.fallback_category,
            { "data-path": "classification.fallback_category", onchange: (event) => { body.fallback_category = event.target.value; touched(id); } }))),
        field(T("复杂投诉关键词"), list(body.complex_keywords, "classification.complex_keywords", (v) => { body.complex_keywords = v; }, 3)),
        el("p", { class: "muted", text: T("意图、信号、否定词等高级规则请在 YAML 中修改。") })),
      tryBox(body));
  }

  // A category's paired words (together, together_window): a thing ("电梯") and what is wrong with
  // it ("用不了"), near each other in one clause, count as one keyword of the category. Both groups
  // or neither: the hint says so while only one is filled (the server refuses it too).
  function togetherFields(c, i, id) {
    const path = `classification.categories.${i}`;
    const groups = [...(c.together && c.together.length === 2 ? c.together : [[], []])];
    const hint = el("p", { class: "muted std-together-hint", role: "status" });
    const showHint = () => {
      const half = Boolean(groups[0].length) !== Boolean(groups[1].length);
      hint.textContent = half ? T("两组都填写才生效：每组至少一个词") : "";
    };
    const group = (g, labelText) => field(labelText, textarea(groups[g].join(", "), { rows: "2", "data-path": `${path}.together.${g}`,
      oninput: (event) => {
        groups[g] = words(event.target.value);
        c.together = groups[0].length || groups[1].length ? [groups[0], groups[1]] : [];
        showHint();
        touched(id);
      } }));
    showHint();
    return el("div", { class: "std-together", "data-path": `${path}.together`, "aria-label": T("搭配词") },
      el("p", { class: "muted", text: T("搭配词：事物词与问题词在同一句里相隔不超过设定的词数（中间没有其他类别的关键词）时，算作本类别的一个关键词，例如「电梯」与「用不了」。单独的问题词不归入本类别。") }),
      el("div", { class: "rule-grid" },
        group(0, T("搭配词·事物")),
        group(1, T("搭配词·问题")),
        field(T("搭配相隔至多"), el("span", {}, el("input", { type: "number", min: "0", max: "10", step: "1", class: "narrow",
          value: String(c.together_window ?? 3), "data-path": `${path}.together_window`,
          oninput: (event) => { c.together_window = Number(event.target.value); touched(id); } }), T(" 个词")))),
      hint);
  }

  function tryBox(body) {
    const result = el("div", { id: "std-try-result" });
    const message = el("p", { id: "std-try-message", role: "alert" });
    const text = textarea("", { id: "std-try-text", rows: "3", placeholder: T("例如：楼上漏水把我家天花板泡坏了，物业一直不管") });
    const locale = select([["zh-CN", T("中文")], ["en", T("英文")]], "zh-CN", { id: "std-try-locale" });
    const run = async () => {
      if (!text.value.trim()) return;
      const s = sectionState("classification");
      const answer = await api("POST", "/api/standards/try", { text: text.value.trim(), locale: locale.value, classification: s.draft });
      if (!answer.ok) {
        message.className = "error";
        clear(message, answer.data.error || T("分析失败（{0}）", answer.status));
        clear(result);
        return;
      }
      message.className = "muted";
      message.textContent = s.dirty ? T("按未保存的草稿分析") : T("按当前生效的规则分析");
      const u = answer.data;
      const names = Object.fromEntries(body.categories.map((c) => [c.id, c.name["zh-CN"]]));
      const tags = (kind, values) => (values && values.length ? values.map((v) => `${label(kind, v)} ${v}`).join(" · ") : "—");
      const slots = Object.entries(u.slots || {}).filter(([, v]) => v);
      clear(result, el("table", { id: "std-try-table" }, el("tbody", {}, [
        [T("类别"), u.category ? `${names[u.category] || u.category} (${u.category})` : "—"],
        [T("级别"), u.grade ? `${label("grade", u.grade)} ${u.grade}` : "—"],
        [T("意图"), tags("intent", u.intents)],
        [T("信号"), tags("signal", u.signals)],
        ...slots.map(([k, v]) => [`${label("slot", k)} ${k}`, String(v)]),
      ].map(([k, v]) => el("tr", {}, el("th", { text: k }), el("td", { text: v }))))));
    };
    return el("aside", { class: "std-try" },
      el("h3", { text: T("试一试") }),
      el("p", { class: "muted", text: T("用上面未保存的草稿分析一句话：归入哪个类别、什么意图、提取了哪些信息。") }),
      text,
      el("div", { class: "actions" }, locale, el("button", { type: "button", id: "std-try-run", class: "primary", text: T("分析"), onclick: run })),
      message, result);
  }

  // ---------------------------------------------------------------- calendar

  function dateList(values, path, onchange, idPrefix) {
    const input = el("input", { type: "date", id: `${idPrefix}-new`, "aria-label": T("日期") });
    return el("div", { class: "std-dates", "data-path": path, id: idPrefix },
      values.length ? values.map((d, i) => el("span", { class: "chip" }, d,
        el("button", { type: "button", class: "chip-x", title: T("删除"), text: "×", onclick: () => { values.splice(i, 1); onchange(); } })))
        : el("span", { class: "muted", text: T("无") }),
      input,
      el("button", { type: "button", id: `${idPrefix}-add`, text: T("添加"), onclick: () => {
        if (!input.value || values.includes(input.value)) return;
        values.push(input.value);
        values.sort();
        onchange();
      } }));
  }

  const hhmm = (t) => String(t || "").slice(0, 5);

  function calendarEditor(body, id) {
    const rerender = () => { touched(id); renderSection(); };
    const time = (value, path, onchange, props = {}) => el("input", { type: "time", value: hhmm(value), "data-path": path, ...props,
      oninput: (event) => { onchange(event.target.value); touched(id); } });
    body.holidays = body.holidays || [];
    body.extra_working_days = body.extra_working_days || [];
    body.festivals = body.festivals || [];
    return el("div", {},
      el("h3", { text: T("服务时间") }),
      el("div", { class: "actions", "data-path": "calendar.business_hours" },
        time(body.business_hours[0], "calendar.business_hours.0", (v) => { body.business_hours[0] = v; }, { id: "hours-start", "aria-label": T("开始") }),
        T("至"),
        time(body.business_hours[1], "calendar.business_hours.1", (v) => { body.business_hours[1] = v; }, { id: "hours-end", "aria-label": T("结束") }),
        el("span", { class: "muted", text: T("答复时限只计这段时间（工作日）。") })),
      el("h3", { text: T("工作日") }),
      el("div", { class: "std-checks", "data-path": "calendar.working_weekdays" }, WEEKDAYS.map((name, i) => el("label", { class: "check" },
        el("input", { type: "checkbox", checked: body.working_weekdays.includes(i + 1), onchange: (event) => {
          const set = new Set(body.working_weekdays);
          if (event.target.checked) set.add(i + 1); else set.delete(i + 1);
          body.working_weekdays = [...set].sort();
          touched(id);
        } }), T("周{0}", name)))),
      el("h3", { text: T("本地休息日") }),
      el("p", { class: "muted", text: T("在国家法定节假日之外本地放假的日子（如单位周年纪念日）。") }),
      dateList(body.holidays, "calendar.holidays", rerender, "local-holidays"),
      el("h3", { text: T("本地工作日") }),
      el("p", { class: "muted", text: T("周末或节假日照常上班的日子。") }),
      dateList(body.extra_working_days, "calendar.extra_working_days", rerender, "local-working-days"),
      ...calendarSource(state.calendarSource),
      el("h3", { text: T("时段问候") }),
      el("div", { class: "rule-grid std-options" },
        field(T("“早上好”起始"), time(body.morning_starts, "calendar.morning_starts", (v) => { body.morning_starts = v; })),
        field(T("“下午好”起始"), time(body.afternoon_starts, "calendar.afternoon_starts", (v) => { body.afternoon_starts = v; })),
        field(T("“晚上好”起始"), time(body.evening_starts, "calendar.evening_starts", (v) => { body.evening_starts = v; }))),
      el("h3", { text: T("节日问候") }),
      el("table", { class: "std-table", id: "festivals" },
        el("thead", {}, el("tr", {}, [T("日期"), T("问候（中文）"), T("问候（英文）"), ""].map((h) => el("th", { text: h })))),
        el("tbody", {}, body.festivals.map((f, i) => el("tr", {},
          el("td", {}, el("input", { type: "date", value: f.date, "data-path": `calendar.festivals.${i}.date`,
            oninput: (event) => { f.date = event.target.value; touched(id); } })),
          el("td", {}, el("input", { type: "text", value: f.phrase["zh-CN"], "data-path": `calendar.festivals.${i}.phrase.zh-CN`,
            oninput: (event) => { f.phrase["zh-CN"] = event.target.value; touched(id); } })),
          el("td", {}, el("input", { type: "text", value: f.phrase.en, "data-path": `calendar.festivals.${i}.phrase.en`,
            oninput: (event) => { f.phrase.en = event.target.value; touched(id); } })),
          el("td", {}, removeButton(() => { body.festivals.splice(i, 1); rerender(); })))))),
      el("div", { class: "actions" }, el("button", { type: "button", text: T("添加节日"), onclick: () => {
        body.festivals.push({ date: new Date().toISOString().slice(0, 10), phrase: { "zh-CN": T("节日快乐"), en: "Happy holidays" } });
        rerender();
      } })));
  }

  // Where the public holidays come from; a year past the package's data is counted by weekends only.
  function calendarSource(c) {
    if (!c) return [];
    const beyond = c.beyond_data_years || [];
    return [
      el("p", { class: "muted", id: "calendar-source",
        text: T("法定节假日与调休来自 {0}（覆盖 {1}–{2} 年），无需在此填写。", c.source, c.covered_from, c.covered_until, c.source) }),
      ...(beyond.length
        ? [el("p", { class: "notice bad", id: "calendar-beyond-data", role: "alert",
          text: T("⚠ {0} 年的节假日安排不在 {1} 的数据内：这些年份只按周末计算工作日（未计入法定节假日和调休）。请在国务院公布安排后升级 chinese-calendar。", beyond.join("、"), c.source) })]
        : []),
    ];
  }

  // ---------------------------------------------------------------- follow-ups, timers

  function followupsEditor(body, id) {
    const rerender = () => { touched(id); renderSection(); };
    const percent = (value, path, onchange) => el("span", {}, el("input", { type: "number", min: "1", max: "99", class: "narrow", value: String(Math.round(value * 100)),
      "data-path": path, oninput: (event) => { onchange(Number(event.target.value) / 100); touched(id); } }), " %");
    body.progress_days = body.progress_days || {};
    const known = Object.entries(state.categories).filter(([c]) => !(c in body.progress_days));
    const picker = select(known.map(([c, n]) => [c, n, c]), "", { id: "progress-new-category", "aria-label": T("类别") });
    return el("div", {},
      el("div", { class: "rule-grid std-options" },
        field(T("提醒处理人"), percent(body.reminder_share, "followups.reminder_share", (v) => { body.reminder_share = v; }),
          T("承诺时限过去的比例")),
        field(T("向客户致歉"), percent(body.apology_share, "followups.apology_share", (v) => { body.apology_share = v; }),
          T("仍未解决时说“让您久等了”")),
        field(T("回访时间"), duration(body.callback_delay, "followups.callback_delay", (v) => { body.callback_delay = v; touched(id); }),
          T("解决后多久回访")),
        field(T("回访等待"), duration(body.answer_window, "followups.answer_window", (v) => { body.answer_window = v; touched(id); }),
          T("客户多久未答复即结束回访")),
        field(T("未解决可重开"), duration(body.reopen_within, "followups.reopen_within", (v) => { body.reopen_within = v; touched(id); }),
          T("处理完多久内客户说“没解决”即重新处理原投诉"))),
      el("h3", { text: T("处理进度跟进（天，按类别）") }),
      el("table", { class: "std-table", id: "progress-days" },
        el("thead", {}, el("tr", {}, [T("类别"), T("每隔"), ""].map((h) => el("th", { text: h })))),
        el("tbody", {}, Object.entries(body.progress_days).map(([category, days]) => el("tr", {},
          el("td", { title: category, text: state.categories[category] || category }),
          el("td", {}, el("input", { type: "number", min: "0.5", step: "0.5", class: "narrow", value: String(days), "data-path": `followups.progress_days.${category}`,
            oninput: (event) => { body.progress_days[category] = Number(event.target.value); touched(id); } }), T(" 天")),
          el("td", {}, removeButton(() => { delete body.progress_days[category]; rerender(); })))))),
      known.length ? el("div", { class: "actions" }, picker, el("button", { type: "button", text: T("添加"), onclick: () => {
        if (!picker.value) return;
        body.progress_days[picker.value] = 3;
        rerender();
      } })) : null,
      field(T("评分用语"), textarea((body.rating_words || []).join(", "), { rows: "3", "data-path": "followups.rating_words",
        oninput: (event) => { body.rating_words = words(event.target.value); touched(id); } })),
      el("h3", { text: T("用文字评价（按分数）") }),
      ...[5, 4, 3, 2, 1].map((score) => field(score === 1 ? T("1分") : T("{0}分", score),  // "1 point", not "1 points"
        textarea(((body.rating_phrases || {})[score] || []).join(", "), { rows: "2", "data-path": `followups.rating_phrases.${score}`,
          oninput: (event) => {
            body.rating_phrases = body.rating_phrases || {};
            body.rating_phrases[score] = words(event.target.value);
            touched(id);
          } }))));
  }

  const TIMERS = [
    ["idle_prompt_after", T("客户未回复，提醒一次")],
    ["idle_close_after", T("提醒后仍未回复，结束对话")],
    ["harassment_close_after", T("骚扰警告后仍继续，结束对话")],
    ["handoff_ack_after", T("转人工后确认收到，最多每隔")],
    ["form_reask_after", T("客户补充描述时，确认并再次询问，最多每隔")],
    ["owed_promise_after", T("主管路径中电话或地址无人回答，仍告知答复时间，等待")],
    ["safety_repeat_after", T("危险情况再次提及时，重复安全提示，最多每隔")],
    ["reassure_again_after", T("客服处理中客户重复要求主管或威胁，安抚并简短确认后静候，间隔")],
    ["phone_pieces_within", T("客户分几条消息报电话号码，两条之间最多相隔")],
    ["phone_pieces_prompt_after", T("客户报了一部分电话号码后停下，请其说完，等待")],
    ["resume_after_idle_close", T("超时结束后客户再来，接着上次的登记，最多相隔")],
    ["presence_repeat_within", T("转人工后问“有人吗”，同一句重复时不再回复，间隔")],
    ["edits_notice_every", T("客户编辑已发出的消息（Telegram）时，提醒其重新发送，最多每隔")],
  ];

  function timersEditor(body, id) {
    return el("div", { class: "rule-grid std-options", id: "timers" }, TIMERS.filter(([key]) => key in body).map(([key, text]) =>
      field(text, duration(body[key], `timers.${key}`, (v) => { body[key] = v; touched(id); }))),
    Object.keys(body).filter((key) => !TIMERS.some(([k]) => k === key)).map((key) =>
      field(key, duration(body[key], `timers.${key}`, (v) => { body[key] = v; touched(id); }))));
  }

  // ---------------------------------------------------------------- FAQ

  function faqEditor(body, id) {
    const rerender = () => { touched(id); renderSection(); };
    body.entries = body.entries || [];
    return el("div", {},
      el("p", { class: "muted", text: T("客户咨询（不是投诉）时，问题中包含每一行里的至少一个关键词，机器人就用这条答案回答。") }),
      el("div", { id: "faq" }, body.entries.map((entry, i) => el("div", { class: "rule", "data-faq": entry.id },
        el("div", { class: "rule-grid" },
          field(T("标识"), el("input", { type: "text", value: entry.id, "data-path": `faq.entries.${i}.id`,
            oninput: (event) => { entry.id = event.target.value.trim(); touched(id); } }))),
        field(T("关键词（每行一组，组内用逗号分隔）"), textarea(entry.keywords.map((g) => g.join(", ")).join("\n"), {
          rows: String(Math.max(2, entry.keywords.length)), "data-path": `faq.entries.${i}.keywords`,
          oninput: (event) => { entry.keywords = event.target.value.split("\n").map(words).filter((g) => g.length); touched(id); } })),
        field(T("答案（中文）"), textarea(entry.answer["zh-CN"], { rows: "2", "data-path": `faq.entries.${i}.answer.zh-CN`,
          oninput: (event) => { entry.answer["zh-CN"] = event.target.value; touched(id); } })),
        field(T("答案（英文）"), textarea(entry.answer.en, { rows: "2", "data-path": `faq.entries.${i}.answer.en`,
          oninput: (event) => { entry.answer.en = event.target.value; touched(id); } })),
        el("label", { class: "check" }, el("input", { type: "checkbox", checked: Boolean(entry.about_the_case),
          "data-path": `faq.entries.${i}.about_the_case`,
          onchange: (event) => { entry.about_the_case = event.target.checked; touched(id); } }),
          T("转人工后问到时，回答客户自己投诉的进度和答复时间")),
        el("label", { class: "check" }, el("input", { type: "checkbox", checked: Boolean(entry.greeting_answers),
          "data-path": `faq.entries.${i}.greeting_answers`,
          onchange: (event) => { entry.greeting_answers = event.target.checked; touched(id); } }),
          T("问的是客户找对了没有（“是物业吗”“你几号”）：先于问题问到时，用开场问候和邀请回答，不记录为问题")),
        el("div", { class: "actions" }, removeButton(() => { body.entries.splice(i, 1); rerender(); }))))),
      el("div", { class: "actions" }, el("button", { type: "button", text: T("添加问答"), onclick: () => {
        body.entries.push({ id: `faq_${body.entries.length + 1}`, keywords: [["关键词"]], answer: { "zh-CN": "", en: "" } });
        rerender();
      } })));
  }

  const EDITORS = {
    phrases: phrasesEditor, forbidden: forbiddenEditor, deadlines: deadlinesEditor, classification: classificationEditor,
    calendar: calendarEditor, followups: followupsEditor, timers: timersEditor, faq: faqEditor,
  };

  window.addEventListener("beforeunload", (event) => {
    if (state.current && sectionState(state.current).dirty) event.preventDefault();
  });

  return { open, SECTIONS: SECTIONS.map(([id]) => id), state, fieldName, diffView };
})();
