// The agent console: live queue, claim, the conversation with its complaint form and timeline,
// replies with the phrase picker and the forbidden-phrase guard, notes, transfer, resolve.
// All data is rendered as text (Staff.el), never as HTML.
"use strict";

(() => {
  const { el, clear, api, unavailable, formatTime, label } = Staff;
  const $ = (id) => document.getElementById(id);

  const SENDERS = { customer: T("客户"), bot: T("机器人"), agent: T("客服"), system: T("系统") };
  // One label per timeline kind (bot/timeline.py TimelineKind); tests/web/test_console_labels.py keeps them in step.
  const EVENT_NAMES = {
    greeted: T("机器人问候"), signals_detected: T("识别到风险信号"), model_suggested: T("模型提示（客户原话无此迹象·未采用，请人工判断）"),
    side_thanks: T("客户致谢"), side_goodbye: T("客户道别"), side_apology: T("客户致歉"), side_suggestion: T("客户建议"), side_out_of_scope: T("非服务范围的请求"),
    side_praise: T("客户表扬"), faq_answered: T("常见问题已答复"), consultation_asked: T("客户咨询（待查询答复）"),
    description_received: T("收到问题描述"), contact_received: T("收到联系电话"), alternative_contact_received: T("收到备用联系电话"), area_received: T("收到地址/区域"),
    restated: T("复述确认"), restatement_rejected: T("客户要求更正"), corrected: T("已更正"), confirmed: T("客户确认信息"), confirmation_unclear: T("复述未获确认·转人工核对"),
    classified: T("已分类"), promised: T("承诺答复时限"), deadline_set: T("已定答复时限（收集电话、地址后告知客户）"), handed_off: T("转人工"), escalated: T("升级到主管"),
    message_after_handoff: T("转人工后客户留言"), withdrawn_after_handoff: T("客户表示不再需要处理"), withdrawal_taken_back: T("客户又要求继续处理"), status_told: T("已告知客户处理进度"), idle_prompted: T("超时未回复提醒"), form_resumed: T("接着上次未登记完的投诉"), harassment_warned: T("骚扰警告"),
    closed: T("会话结束"), callback_scheduled: T("已安排回访"), callback_asked: T("回访：询问满意度"), rated: T("客户评价"),
    reopened_by_customer: T("客户重新打开"),
    locale_switched: T("切换回复语言"),
    // issue 12 item 3
    appeal_linked: T("申诉：已并入原投诉"), appeal_received: T("客户申诉（重复反映）"), same_phone_open_case: T("该号码另有未解决投诉（请与来电人核实）"), case_phone_asked: T("核对投诉人：问该投诉完整联系电话"), case_phone_checked: T("核对投诉人：已答复"), unverified_case_mention: T("身份未核实者提及本投诉（未并入）"), case_check_locked: T("核对投诉人：答错次数过多·暂停核对"), follows_case: T("再次反映已解决的投诉"), another_case_started: T("另一问题另行登记（原投诉仍在处理）"), another_problem_dropped: T("另一问题未登记（回到原投诉）"), escalation_phone_asked: T("请客户留下主管回电号码"),
    phone_refused: T("客户不愿留电话"), contact_by_channel: T("未留电话：通过本会话渠道联系"),
    bot_reply_dropped: T("机器人回复已撤回（已由人工接手）"),
    routed: T("按规则分派"), routed_to_previous_owner: T("转给首问负责人"), many_cases_from_address: T("同一网络地址（IP）投诉过多·排在其他客户之后"),
    deadline_reminder: T("时限提醒"), waiting_apology: T("致歉并告知等待时间"), deadline_breached: T("已超时"),
    deadline_extended: T("延长时限"), progress_follow_up: T("进度告知"), customer_confirmed: T("客户确认已解决"),
    reopened: T("重新打开"),
    claimed: T("认领"), agent_replied: T("客服回复"), note: T("内部备注"), transferred: T("转交"), resolved: T("已解决"), case_resolved: T("一个投诉已解决（其他仍在处理）"),
    customer_tier_changed: T("客户类别变更"), complaint_corrected: T("投诉单已更正"),
    delivery_fallback: T("改用其他渠道发送"), delivery_failed: T("发送失败"), possibly_duplicated: T("可能重复发送"),
    sms_opted_out: T("客户已退订短信"), sms_opted_in: T("客户已恢复接收短信"), not_sent_opted_out: T("客户已退订短信，消息未发送"),
  };
  const NOTIFICATION_NAMES = {
    rule_supervisor: T("需主管关注"), rule_account_manager: T("通知客户经理"), routed_to_you: T("转给您处理"),
    deadline_reminder: T("答复时限提醒"), deadline_breached: T("答复已超时"), cluster_alert: T("集中投诉预警"),
    daily_report: T("日报"), case_reopened: T("投诉重新打开"), praise: T("客户表扬"),
    appeal: T("客户申诉"), case_taken: T("会话已被接手"), deadline_extended: T("答复时限已延长"),
    pickup_overdue: T("超时无人认领"), agent_silent: T("客服未回复客户"),
    case_check_locked: T("投诉编号被多次试核对·已暂停核对"),
    supervisor_told: T("客户找主管或扬言·客服继续处理"),
    another_danger: T("同一会话又报另一险情·请值班主管处理"),
    urgent_deadline_breached: T("紧急投诉超时·已通知经理"),
  };
  const DETAIL_NAMES = {
    case_number: T("编号"), category: T("类别"), tier: T("客户类别"), queue: T("队列"), priority: T("优先级"), reason: T("原因"),
    rules: T("规则"), problem: T("问题"), area: T("区域"), customers: T("客户数"), deadline_at: T("时限"), username: T("客服"), text: T("内容"),
    owner: T("处理人"), channel: T("渠道"), window_hours: T("统计时段"), case_numbers: T("相关编号"), day: T("日期"),
    complaints: T("投诉数"), resolved: T("已解决"), breached: T("超时"), deliveries_failed: T("发送失败"),
    until_at: T("暂停核对至"), signals: T("信号"),
  };
  const PRIORITY_NAMES = { 0: T("P0 紧急"), 1: T("P1 较急"), 2: T("P2 普通"), 3: T("P3 同一网络地址（IP）短时间内投诉过多，排在其他客户之后（不是同一住址）") };
  // Details that read as a sentence of their own ("已等待30分钟"), and ids staff never use (hidden).
  const DETAIL_SENTENCES = {
    waiting_minutes: (v) => T("已等待{0}分钟", v), cases: (v) => T("该网络地址（IP）已有{0}个投诉", v), window_minutes: (v) => T("统计{0}分钟内", v),
    silent_minutes: (v) => T("客户已等{0}分钟未获回复", v),
    alert: (v) => T("第{0}次提醒", v),
    managers_told: (v) => T("已通知{0}位经理", v),
    still_unclaimed_in: (v) => T("仍在「{0}」等待认领，无法再升级", queueName(v)),
    failures: (v) => T("非投诉人答错联系电话{0}次", v),
    unverified: () => T("（非该投诉的客户所发，身份未核实）"),
    named_case: (v) => T("客户提及投诉 {0}（未核实是否本人的，请查看其记录）", v),
  };
  const DETAIL_HIDDEN = new Set(["for", "message_id", "conversation_id", "ticket_id", "complaint_id", "from", "to", "kind"]);

  const state = {
    me: null,
    conversationId: null,
    conversation: null,
    phrases: null,
    phraseBooks: {},  // the standard phrases by locale, each fetched when a conversation in it is open
    canned: [],
    categories: {},
    problems: {},  // a cluster alert's problem (电梯) in the reader's language
    clock: "business_hours",  // how an extension's hours count (deadlines.yaml clock)
    editingCase: null,  // the case number whose form is being corrected: refetches leave it alone
    users: [],
    queues: [],
    transferTargets: { queues: [], people: [] },  // GET /api/transfer-targets: the transfer picker
    mine: [],
    resolved: [],
    followNewest: false,
    showRoutine: false,  // the routine notices (folded into one line) shown one by one
  };
  window.agentConsole = { state };

  // ---------------------------------------------------------------- queue

  const queueLoads = Staff.loads();

  async function loadQueue() {
    const load = queueLoads.start();
    const askedAt = performance.now();
    const result = await api("GET", "/api/queue");
    if (!queueLoads.fresh(load)) return;
    const list = $("queue");
    if (!result.ok) {
      clear(list, el("li", { class: "unavailable", text: Staff.errorText(result, T("队列暂不可用")) }));
      return;
    }
    const tickets = result.data.tickets || [];
    noticeNewTickets(tickets);
    withdrawClaimed(tickets, tickets.length >= (result.data.total ?? tickets.length), askedAt);
    $("queue-count").textContent = String(result.data.total ?? tickets.length); // the first page only is listed (issue 16)
    if (!tickets.length) {
      keepingFocus(list, () => clear(list, el("li", { class: "muted", text: T("暂无等待的客户") })));
      return;
    }
    // A card the queue's move did not change stays the element it was (the 认领 the agent tabbed
    // to, the card under the pointer); its waiting time is brought up to the minute below.
    keepingFocus(list, () => redrawKeyed(list, tickets.map((ticket) => ({
      key: String(ticket.id), drawn: `${state.referenceRead}:${JSON.stringify(ticket)}`, draw: () => ticketItem(ticket) }))));
    renderWaitingTimes();
    keepCardsInSight();
  }

  // A list drawn again while the keyboard is in it (a queue event, a notice, a customer writing in
  // one of mine) keeps the keyboard where it was: on the same button of the same row, or, that row
  // gone (claimed by a colleague), on the row now in its place. Never on <body>, where the agent's
  // next Tab or Enter would start again from the top of the page.
  const FOCUSABLE = "button, a[href], input, select, textarea";
  const rowKey = (row) => row.dataset.ticket || row.dataset.conversation || row.dataset.notice || null;

  function keepingFocus(container, redraw) {
    const active = document.activeElement;
    if (!active || !container.contains(active)) { redraw(); return; }
    const row = active.closest("li");
    const list = row && container.contains(row) ? row.parentElement : null;
    const place = list ? [...list.children].indexOf(row) : -1;
    const key = row ? rowKey(row) : null;
    const which = row ? [...row.querySelectorAll(FOCUSABLE)].indexOf(active) : -1;
    redraw();
    if (document.activeElement === active) return;
    if (active.isConnected && container.contains(active)) { active.focus({ preventScroll: true }); return; }
    const rows = list && list.isConnected ? [...list.children] : [];
    const same = key === null ? null : rows.find((candidate) => rowKey(candidate) === key);
    const instead = same || rows[Math.min(place, rows.length - 1)] || null;
    const controls = instead ? [...instead.querySelectorAll(FOCUSABLE)] : [];
    const target = controls[same ? Math.max(which, 0) : 0] || controls[0];
    if (target) target.focus({ preventScroll: true });
  }

  // The waiting queue keeps its first three cards in sight: the notices below it shrink (scrolling
  // inside themselves) rather than squeezing it to a card and a half. My conversations above keep
  // their rows (up to five, staff.css): the queue takes what is left of the column when three cards
  // do not fit beside them (a supervisor's many notices squeezed 我处理的会话 to 2.5 px).
  const CARDS_IN_SIGHT = 3;
  function keepCardsInSight() {
    const panel = $("queue-panel");
    const cards = [...$("queue").children].slice(0, CARDS_IN_SIGHT);
    panel.style.minHeight = "";
    if (!cards.length || window.matchMedia("(max-width: 900px)").matches) return;
    const top = panel.getBoundingClientRect().top - panel.scrollTop;
    const needed = cards[cards.length - 1].getBoundingClientRect().bottom - top;  // the last card's edge may touch the panel's
    const column = panel.parentElement;
    const notices = $("notifications-panel");
    const gap = parseFloat(getComputedStyle(column).rowGap) || 0;
    const left = column.clientHeight - $("mine-panel").offsetHeight - (notices.hidden ? 0 : parseFloat(getComputedStyle(notices).minHeight) || 0) - 2 * gap;
    panel.style.minHeight = `${Math.ceil(Math.max(150, Math.min(needed, window.innerHeight * 0.6, left)))}px`;
  }
  window.addEventListener("resize", Staff.throttle(keepCardsInSight, 200));

  function ticketItem(ticket) {
    // Since the customer first waited for this case (a transfer opens a new ticket, not a new wait).
    const since = ticket.waiting_since || ticket.created_at;
    const waited = Math.max(0, (Date.now() - new Date(since).getTime()) / 1000);
    // each part kept whole (a case number is never cut): the line wraps between them
    const parts = [ticket.channel ? label("channel", ticket.channel) : null, queueName(ticket.queue), label("reason", ticket.reason),
      ticket.case_number, categoryName(ticket.category)].filter(Boolean);
    const meta = parts.join(" · ");
    return el("li", { class: "ticket", "data-ticket": ticket.id, "data-conversation": ticket.conversation_id },
      el("div", { class: "ticket-head" },
        // the place in line as a badge, so it never reads as a second number beside the conversation's
        el("span", { class: "badge position", title: T("排队位置"), text: T("第{0}位", ticket.position) }),
        el("strong", { class: "ticket-title", text: T("会话 {0}", ticket.conversation_id) }),
        el("span", { class: `badge p${ticket.priority}`, title: PRIORITY_NAMES[ticket.priority] || "", text: `P${ticket.priority}` }),
        // Why a ticket waits behind the others: said on the card, a phone shows no tooltip.
        ticket.priority === 3
          ? el("span", { class: "badge held-back", title: PRIORITY_NAMES[3], text: T("同一IP投诉过多") })
          : null,
        // 长者优先: why an elderly customer's ticket is ahead of others of the same urgency.
        ticket.elder ? el("span", { class: "badge elder", title: T("长者优先"), text: T("长者") }) : null,
        // 关怀优先: a customer (or one they speak for) ill, pregnant or recovering is served first as an elder is.
        !ticket.elder && (ticket.signals || []).includes("health")
          ? el("span", { class: "badge care", title: T("关怀优先：患病、怀孕或术后恢复的客户，与长者同样优先"), text: T("关怀") })
          : null,
        // The customer's tier when it is not the default one (VIP客户, 集团客户…).
        ticket.customer_tier
          ? el("span", { class: "badge tier", "data-tier": ticket.customer_tier, title: T("客户类别"), text: label("tier", ticket.customer_tier) })
          : null),
      el("div", { class: "muted ticket-meta", title: meta },
        ...parts.flatMap((part, i) => [i ? " · " : null, el("span", { class: part === ticket.case_number ? "case-number" : null, text: part })])),
      // Another case of the same conversation: whoever claims this card works it too.
      (ticket.other_cases || []).length
        ? el("div", { class: "muted ticket-meta other-cases" }, T("另有投诉："),
          ...ticket.other_cases.flatMap((other, i) => [i ? " · " : null,
            el("span", { class: "case-number", text: other.case_number }),
            other.deadline_at ? el("span", { class: "deadline", title: T("答复时限 {0}", formatTime(other.deadline_at)),
              text: ` ${T("时限 {0}", Staff.formatShortTime(other.deadline_at))}` }) : null]))
        : null,
      // The problem, not the "对" that confirmed it; the last message when there is no complaint.
      (ticket.problem || ticket.last_customer_message)
        ? el("div", { class: "preview", title: ticket.problem || ticket.last_customer_message,
          text: ticket.problem || ticket.last_customer_message })
        : null,
      // one line each, the whole text on hover: several cards show at 1366×768
      el("div", { class: "actions ticket-foot" },
        el("span", { class: "muted ticket-wait" },
          // counted from the first hand-off, time being served included: said as such, not as time unattended
          el("span", { class: "waited", "data-since": since, title: T("自首次转人工起计，含客服已在处理的时间"),
            text: T("已转人工 {0}", Staff.waitText(waited)) }),
          ticket.deadline_at
            ? el("span", { class: "deadline", "data-deadline": ticket.deadline_at, title: T("答复时限 {0}", formatTime(ticket.deadline_at)),
              text: T("时限 {0}", Staff.formatShortTime(ticket.deadline_at)) })
            : null),
        el("button", { type: "button", class: "primary claim", text: T("认领"), onclick: () => claim(ticket) }),
        el("button", { type: "button", text: T("查看"), onclick: () => openConversation(ticket.conversation_id) })));
  }

  // The waiting times move on by themselves, not only when the queue changes.
  function renderWaitingTimes() {
    for (const span of document.querySelectorAll("#queue .waited[data-since]")) {
      const waited = Math.max(0, (Date.now() - new Date(span.dataset.since).getTime()) / 1000);
      span.textContent = T("已转人工 {0}", Staff.waitText(waited));
    }
    renderDeadlines();
  }

  // A deadline passed is said on the card (red, 已超时) as the minute comes, not at the next refresh.
  function renderDeadlines() {
    for (const span of document.querySelectorAll("#queue .deadline[data-deadline]")) {
      const breached = new Date(span.dataset.deadline).getTime() <= Date.now();
      if (breached === span.classList.contains("breached")) continue;
      span.classList.toggle("breached", breached);
      span.textContent = breached ? T("已超时 · 时限 {0}", Staff.formatShortTime(span.dataset.deadline))
        : T("时限 {0}", Staff.formatShortTime(span.dataset.deadline));
    }
  }
  setInterval(renderWaitingTimes, 30 * 1000);

  function queueName(id) {
    const queue = state.queues.find((q) => q.id === id);
    return queue && queue.name ? queue.name : id;
  }

  function categoryName(id) { return id ? state.categories[id] || id : ""; }

  function staffName(actor) {
    if (!actor) return "";
    if (actor === "bot") return T("机器人");
    if (actor === "system") return T("系统");
    if (actor === "customer") return T("客户");
    if (actor === "rules") return T("规则");
    if (actor === "worker") return T("系统");
    const match = /^agent:(\d+)$/.exec(actor);
    if (!match) return actor;
    if (Number(match[1]) === state.me.id) return T("我（{0}）", state.me.username);
    const user = state.users.find((u) => u.id === Number(match[1]));
    if (!user) return T("客服 #{0}", match[1]);
    const name = user.display_name || user.username;
    return user.active === false ? T("{0}（已停用）", name) : name;
  }

  // The queue panel's line (a claim refused) says what just happened: the agent's next tap or key
  // elsewhere clears it, so it never stands for minutes over a queue that has moved on.
  function queueSay(message) {
    const box = $("queue-message");
    box.textContent = message;
    document.removeEventListener("pointerdown", queueSay.forget, true);
    document.removeEventListener("keydown", queueSay.forget, true);
    if (!message) return;
    queueSay.forget = () => queueSay("");
    // from the next event on: not the tap that brought this answer
    setTimeout(() => {
      if (box.textContent !== message) return;
      document.addEventListener("pointerdown", queueSay.forget, true);
      document.addEventListener("keydown", queueSay.forget, true);
    });
  }

  // A refusal is told where the agent tapped: in the conversation view (`say`) for its 认领, in
  // the queue panel for a card's; either is cleared by the next action.
  // A refusal in the conversation view, cleared as the queue panel's is by the agent's next tap or key.
  function sayUntilNextAction(message) {
    say(message);
    const forget = () => {
      document.removeEventListener("pointerdown", forget, true);
      document.removeEventListener("keydown", forget, true);
      if ($("conversation-message")?.textContent === message) say("");
    };
    setTimeout(() => {
      document.addEventListener("pointerdown", forget, true);
      document.addEventListener("keydown", forget, true);
    });
  }

  async function claim(ticket, tell = queueSay) {
    queueSay("");
    say("");
    const result = await api("POST", `/api/tickets/${ticket.id}/claim`, {});
    if (result.status === 409) {
      tell(T("该客户已被其他客服认领"));
      loadQueue();
      if (tell === sayUntilNextAction) loadConversation();
      return;
    }
    if (!result.ok) {
      tell(Staff.errorText(result, T("认领失败（{0}）", result.status)));
      return;
    }
    loadMine();
    loadQueue();
    // An appeal made from a new chat is answered there, where the customer is now.
    openConversation(result.data.reply_in || result.data.conversation_id);
  }

  // ---------------------------------------------------------------- my conversations

  // Read from the server (GET /api/my-conversations), so the list is the same on every browser the
  // agent signs in from and a conversation leaves it when it is resolved or handed to someone else.
  const mineLoads = Staff.loads();

  async function loadMine() {
    const load = mineLoads.start();
    const askedAt = performance.now();
    const result = await api("GET", "/api/my-conversations");
    if (!mineLoads.fresh(load) || !result.ok) return;
    state.mine = result.data.owned;
    state.resolved = result.data.resolved;
    renderMine();
    withdrawNotMine(askedAt);
    watchConversations();
  }

  // The socket tells of the open conversation and of mine (a customer writing in one marks it
  // 新消息); the server takes at most MAX_WATCHED (20), and mine come newest first.
  function watchConversations() {
    const ids = [...new Set([state.conversationId, ...state.mine.map((item) => item.conversation_id)].filter(Boolean))].slice(0, 20);
    const key = ids.join(",");
    if (key === state.watching) return;
    state.watching = key;
    Staff.events.watch(ids);
  }

  function mineText(item, text) {
    return [text, item.customer_name, item.case_number].filter(Boolean).join(" · ");
  }

  // A conversation of mine whose customer wrote after I last had it open is marked 新消息: the
  // times I last saw are kept in this browser, per account (a case handed to me is new to me).
  const seen = {
    key: () => `console.seen.${state.me ? state.me.id : 0}`,
    read() {
      try { return JSON.parse(localStorage.getItem(this.key()) || "{}") || {}; } catch (error) { return {}; }
    },
    write(times) {
      try { localStorage.setItem(this.key(), JSON.stringify(times)); } catch (error) { /* private window: in memory only */ }
    },
  };
  state.seenAt = null;

  // The times as this browser's tabs last wrote them (another tab may have opened one since), the
  // later of two kept; in memory as well, for a private window that cannot store them.
  function seenTimes() {
    const times = { ...(state.seenAt || {}) };
    for (const [id, at] of Object.entries(seen.read())) if (!times[id] || new Date(at) > new Date(times[id])) times[id] = at;
    return (state.seenAt = times);
  }
  // Another tab opened a conversation of mine: it is not new here either.
  window.addEventListener("storage", (event) => { if (state.me && event.key === seen.key()) renderMine(); });

  // The customer wrote after the latest of the time I last had it open, the time I resolved it
  // (what they wrote before, I read then; a reopening gives the case back with nothing new in it)
  // and the time it was transferred (what came before is the history handed over, not news).
  function wroteSince(item, times, ...since) {
    if (!item.last_customer_at || item.conversation_id === state.conversationId) return false;
    const read = [times[item.conversation_id], ...since].filter(Boolean).map((at) => new Date(at).getTime());
    return !read.length || new Date(item.last_customer_at).getTime() > Math.max(...read);
  }
  const unread = (item, times) => wroteSince(item, times, item.resolved_by_me_at, item.transferred_at);

  // The conversation open here, mine or resolved by me, is read up to its customer's last message;
  // only those two lists' conversations are kept, so the stored list stays short.
  function markCurrentSeen(times) {
    const listed = [...state.mine, ...state.resolved];
    const current = listed.find((item) => item.conversation_id === state.conversationId);
    if (!current || !current.last_customer_at || times[current.conversation_id] === current.last_customer_at) return;
    times[current.conversation_id] = current.last_customer_at;
    for (const id of Object.keys(times)) if (!listed.some((item) => String(item.conversation_id) === id)) delete times[id];
    seen.write(times);
  }

  function renderMine() {
    const times = seenTimes();
    markCurrentSeen(times);
    const resolvedList = $("resolved");
    // A customer who wrote again after the resolution (a rating, the problem back, a new one) is
    // marked 新消息 there too, until I open it: what the bot could not place waits in the queue for a person.
    const wroteAgain = (item) => wroteSince(item, times, item.resolved_at);
    // One reopened and taken up by someone else since is no longer resolved nor mine: its real
    // status and who has it now, and what the customer writes there is theirs to read, not new to me.
    const takenUp = (item) => item.status === "open";
    const resolvedRow = (item) => takenUp(item)
      ? T("会话 {0} · 处理中（{1}）", item.conversation_id, ownerText(item.owner))
      : T("会话 {0} · 已解决", item.conversation_id);
    keepingFocus(resolvedList, () => clear(resolvedList, state.resolved.map((item) => el("li", {
      class: [item.conversation_id === state.conversationId ? "current" : "", takenUp(item) ? "handed-on" : "resolved"].filter(Boolean).join(" "),
      "data-conversation": item.conversation_id },
      el("button", { type: "button", text: mineText(item, resolvedRow(item)),
        title: formatTime(item.resolved_at), onclick: () => openConversation(item.conversation_id) },
      !takenUp(item) && wroteAgain(item) ? el("span", { class: "badge unread", text: T("新消息") }) : null)))));
    resolvedList.hidden = !state.resolved.length;
    // every case listed here, the resolved ones below included
    $("mine-count").textContent = String(state.mine.length + state.resolved.length);
    const fresh = state.mine.filter((item) => unread(item, times)).length;
    $("mine-unread").hidden = !fresh;
    $("mine-unread").textContent = T("{0} 条新消息", fresh);
    const list = $("mine");
    if (!state.mine.length) {
      // the placeholder only when the whole list is empty, not above a resolved case
      keepingFocus(list, () => clear(list, state.resolved.length ? [] : el("li", { class: "muted", text: T("认领后显示在这里") })));
      keepCardsInSight();
      return;
    }
    keepingFocus(list, () => clear(list, state.mine.map((item) => {
      const isNew = unread(item, times);
      const classes = [item.conversation_id === state.conversationId ? "current" : "", isNew ? "unread" : ""].filter(Boolean).join(" ");
      return el("li", { class: classes, "data-conversation": item.conversation_id },
        el("button", { type: "button", text: mineText(item, T("会话 {0}", item.conversation_id)),
          onclick: () => openConversation(item.conversation_id) },
        isNew ? el("span", { class: "badge unread", text: T("新消息") }) : null));
    })));
    keepCardsInSight();  // the queue takes what my rows leave
  }

  // ---------------------------------------------------------------- conversation

  const MESSAGES_PAGE = 200;
  const TIMELINE_PAGE = 200;

  async function openConversation(conversationId) {
    // what was said of the one open before (投诉单已更正, a refusal) is not about this one
    if (state.conversationId !== Number(conversationId)) say("");
    state.conversationId = Number(conversationId);
    state.messagesShown = MESSAGES_PAGE;
    state.timelineShown = TIMELINE_PAGE;
    // a new history entry per conversation, so Back returns to the previous one (hashchange below)
    if (location.hash !== `#conversation=${state.conversationId}`) history.pushState(null, "", `#conversation=${state.conversationId}`);
    watchConversations();
    renderMine();
    showView("conversation");
    await loadConversation();
    if (state.conversationId === Number(conversationId)) focusComposer();
  }

  // Opened or just claimed: the keyboard goes where the agent works next, the reply box, or the
  // 认领 button when the case still waits; never left on <body>, where typing is lost.
  function focusComposer() {
    const box = $("reply-text");
    if (box && !box.disabled) box.focus();
    else $("claim-here")?.focus();
  }

  // A phone or a narrow window shows one pane at a time (staff.css): the conversation once one is
  // opened, with a button back to the queue; a wide window shows both and ignores this.
  const NARROW = window.matchMedia("(max-width: 900px)");

  function showView(view) {
    document.body.dataset.view = view;
    if (!NARROW.matches) return;
    if (view === "conversation") $("conversation").scrollIntoView({ block: "start" });
    else window.scrollTo(0, 0);
  }

  // The event's refetch and the one after the agent's action overlap; a response from before the
  // action coming back last would show the conversation as it was (Staff.loads).
  const conversationLoads = Staff.loads();
  const customerLoads = Staff.loads();

  async function loadConversation() {
    const id = state.conversationId;
    if (!id) return;
    const shown = `messages=${state.messagesShown || MESSAGES_PAGE}&timeline=${state.timelineShown || TIMELINE_PAGE}`;
    const load = conversationLoads.start();
    const result = await api("GET", `/api/conversations/${id}?${shown}`);
    if (id !== state.conversationId || !conversationLoads.fresh(load)) return;
    if (!result.ok) {
      clear($("conversation"), el("h2", { text: T("会话 {0}", id) }),
        el("p", { class: "error", text: Staff.errorText(result, T("无法打开（{0}）", result.status)) }));
      clearCasePanels(id);
      return;
    }
    const firstRender = !state.conversation || state.conversation.id !== id;
    state.conversation = result.data;
    if (firstRender || !$("reply-text")) renderConversationShell();
    noticeCustomerReply(state.conversation, firstRender);
    renderConversationBody();
    renderComplaint();
    renderTimeline();
    noticesRead();
    loadCustomer(id);
  }

  // A conversation that cannot be shown leaves no other conversation's form, customer, timeline
  // or actions beside its error: an agent would read them as this one's.
  function clearCasePanels(id) {
    state.conversation = null;
    state.editingCase = null;
    const why = T("会话 {0} 无法打开，此处不显示任何客户的信息", id);
    clear($("case-actions"));
    $("case-actions").hidden = true;
    clear($("complaint"), el("p", { class: "muted", text: why }));
    clear($("customer"));
    $("customer-panel").hidden = true;
    clear($("timeline"));
    $("earlier-timeline").hidden = true;
  }

  // ---------------------------------------------------------------- customer panel (issue 15)

  const COMPLAINT_STATUS = { open: T("处理中"), incomplete: T("处理中（信息未经客户确认）"), resolved: T("已解决"), closed: T("已结束") };

  // How the customer confirmed being addressed (王先生), when no channel gave a display name.
  function addressedAs(customer) {
    if (!customer.surname) return "";
    if (customer.title === "male") return T("{0}先生", customer.surname);
    if (customer.title === "female") return T("{0}女士", customer.surname);
    return customer.surname;
  }

  async function loadCustomer(id) {
    const load = customerLoads.start();
    const result = await api("GET", `/api/conversations/${id}/customer`);
    if (id !== state.conversationId || !customerLoads.fresh(load)) return;
    const box = $("customer");
    $("customer-panel").hidden = false;
    if (!result.ok) {
      clear(box, el("p", { class: "unavailable", text: Staff.errorText(result, T("客户信息暂不可用")) }));
      return;
    }
    const customer = result.data;
    const cases = customer.cases || [];
    // A choice not saved yet survives the refetch every conversation event makes.
    const picked = $("customer-tier-select");
    const pending = picked && Number(picked.dataset.conversation) === id && picked.value !== picked.dataset.saved ? picked.value : null;
    clear(box,
      el("dl", { class: "customer-facts" },
        el("dt", { text: T("姓名") }), el("dd", { id: "customer-name", text: customer.display_name || addressedAs(customer) || "—" }),
        el("dt", { text: T("电话") }), el("dd", { id: "customer-phone", text: customer.phone || "—" }),
        el("dt", { text: T("渠道") }), el("dd", { id: "customer-channels",
          text: StaffI18n.list((customer.channels || []).map((c) => label("channel", c))) || "—" }),
        el("dt", { text: T("客户类别") }), el("dd", { id: "customer-tier", "data-tier": customer.tier, text: tierName(customer) })),
      state.me.role === "agent" ? null : tierPicker(id, customer, pending),
      el("h3", { text: T("历史会话（{0}{1}）", cases.length, cases.length >= customer.limit ? "+" : "") }),
      el("ol", { id: "customer-cases", class: "customer-cases" }, cases.map(customerCase)));
  }

  // Supervisors and managers set the customer's tier; it counts from the customer's next hand-off.
  function tierPicker(id, customer, pending) {
    const select = el("select", { id: "customer-tier-select", "data-conversation": id, "data-saved": customer.tier },
      (customer.tiers || []).map((tier) => el("option", { value: tier.id, text: tierName({ tier: tier.id, tier_name: tier.name }) })));
    select.value = pending || customer.tier;
    const message = el("span", { id: "customer-tier-message", class: "muted", role: "status" });
    const save = el("button", { type: "button", id: "customer-tier-save", text: T("保存"), onclick: async () => {
      if (select.value === customer.tier) return;
      save.disabled = true;
      const result = await api("PUT", `/api/conversations/${id}/customer/tier`, { tier: select.value });
      save.disabled = false;
      if (!result.ok) {
        message.className = "error";
        message.textContent = Staff.errorText(result, T("无法更改客户类别（{0}）", result.status));
        return;
      }
      select.dataset.saved = result.data.tier;
      if (id === state.conversationId) loadCustomer(id);
    } });
    return el("div", { class: "customer-tier-form" },
      el("label", { for: "customer-tier-select", text: T("更改客户类别") }), select, save, message,
      el("p", { class: "muted", text: T("用于该客户今后转人工的投诉；已承诺的时限不变。") }));
  }

  // Of a conversation the agent may not open the API gives only its channel, status and time
  // (no case number, category or rating): it says so rather than leave blanks.
  function customerCase(c) {
    const status = c.status ? COMPLAINT_STATUS[c.status] || c.status : label("status", c.conversation_status);
    const facts = [formatTime(c.ts), label("channel", c.channel), categoryName(c.category), status,
      c.rating ? T("评价 {0}", "★".repeat(c.rating)) : null,
      c.readable ? null : T("不在您的队列中，无法打开")].filter(Boolean).join(" · ");
    const title = `${c.case_number || T("会话 {0}", c.conversation_id)}${c.current ? T("（当前）") : ""}`;
    return el("li", { class: c.current ? "current" : "", "data-conversation": c.conversation_id },
      c.readable && !c.current
        ? el("button", { type: "button", class: "link", text: title, onclick: () => openConversation(c.conversation_id) })
        : el("strong", { text: title, title: c.readable ? "" : T("不在您的队列中，无法打开") }),
      el("div", { class: "muted", text: facts }));
  }

  function ownerText(owner) {
    if (owner && owner.startsWith("queue:")) return T("等待认领（{0}）", queueName(owner.slice(6)));
    if (!owner || owner === "bot") return T("机器人");
    if (owner === `agent:${state.me.id}`) return T("我");
    return staffName(owner);
  }

  // The ticket a conversation's view offers to claim: its own waiting one, unless an agent holds
  // it (then only an appeal, which a supervisor takes); for an appealing chat, the case's appeal.
  function claimable(c) {
    const held = (c.owner || "").startsWith("agent:");
    return (c.waiting || []).find((w) => !held || (w.reason === "appeal" && state.me.role !== "agent")) || null;
  }
  // The server knows whose queue it is: one waiting where this agent is not is shown, never offered.
  const mayClaim = (w) => Boolean(w) && w.in_my_queues !== false;

  // ---------------------------------------------------------------- phrase picker

  // The agent-usable phrases (config/phrases agent_phrases) by name, with {case_number} and
  // {deadline} filled from the conversation's latest complaint, then the correct expressions.
  function phraseValues() {
    const complaints = (state.conversation && state.conversation.complaints) || [];
    // an appealing chat without a case of its own speaks of the appealed case
    const latest = complaints[complaints.length - 1] || (state.conversation && state.conversation.appealed_case);
    return {
      case_number: latest && latest.case_number ? latest.case_number : null,
      // in the conversation's language, like the phrase it goes into
      deadline: latest && latest.deadline_said ? latest.deadline_said : null,
    };
  }

  function phraseChoices() {
    const values = phraseValues();
    const book = state.phraseBooks[conversationLocale()] || state.phrases || {};
    // the text in the customer's language, its name in the console's (the English book names them in English)
    const ours = (state.phraseBooks[StaffI18n.locale] || {}).agent_phrases || [];
    const names = Object.fromEntries(ours.map((p) => [p.id, p.label]));
    // found by the words of the console's language too ("sorry" finds the apology said in Chinese)
    const ourWords = Object.fromEntries(ours.map((p) => [p.id, p.text]));
    const named = (book.agent_phrases || []).map((phrase) => {
      const missing = (phrase.variables || []).filter((name) => !values[name]);
      const text = phrase.text.replace(/\{(\w+)\}/g, (whole, name) => values[name] || whole);
      return { id: phrase.id, label: names[phrase.id] || phrase.label, text, missing, also: ourWords[phrase.id] || "" };
    });
    const expressions = (book.correct_expressions || []).map((text, index) => ({
      id: `expression-${index}`, label: T("规范用语"), text, missing: [],
    }));
    // issue 15: the team's canned replies in the conversation's language, after the standard phrases
    const team = state.canned.filter((reply) => reply.locale === conversationLocale()).map((reply) => ({ id: `canned-${reply.id}`, label: reply.title, text: reply.text, missing: [],
      section: T("团队常用语") }));
    return named.concat(expressions, team);
  }

  // ---------------------------------------------------------------- team canned replies (issue 15)

  // The language the open conversation is held in (the customer's), the service's default otherwise.
  function conversationLocale() {
    return (state.conversation && state.conversation.locale) || (state.phrases && state.phrases.locale) || "zh-CN";
  }

  // A manager may edit the phrases while the console stays open all shift: a book older than
  // PHRASES_FRESH_MS is fetched again (the picker shows the one it has meanwhile).
  const PHRASES_FRESH_MS = 60 * 1000;
  const phraseBooksAt = {};

  async function loadPhraseBook(locale) {
    if (state.phraseBooks[locale] && Date.now() - (phraseBooksAt[locale] || 0) < PHRASES_FRESH_MS) return;
    const result = await api("GET", `/api/phrases?locale=${encodeURIComponent(locale)}`);
    if (result.ok && result.data.locale === locale) {
      state.phraseBooks[locale] = result.data;
      phraseBooksAt[locale] = Date.now();
    }
  }

  async function loadCanned() {
    const result = await api("GET", "/api/canned-replies");
    state.canned = result.ok ? result.data.replies || [] : [];
  }

  function cannedDialog() {
    let dialog = $("canned-dialog");
    if (dialog) return dialog;
    const title = el("input", { type: "text", id: "canned-title", maxlength: 60, placeholder: T("名称"), required: true });
    const text = el("textarea", { id: "canned-text", rows: 3, maxlength: 2000, placeholder: T("内容"), required: true });
    const message = el("p", { id: "canned-message", class: "error", role: "alert" });
    const form = el("form", { id: "canned-form", class: "composer" }, title, text, message,
      el("div", { class: "composer-row" },
        el("button", { type: "submit", id: "canned-save", class: "primary", text: T("保存") }),
        el("button", { type: "button", id: "canned-new", text: T("新建"), onclick: () => edit(null) }),
        el("span", { class: "spacer" }),
        el("button", { type: "button", id: "canned-close", text: T("关闭"), onclick: () => dialog.close() })));
    const list = el("ul", { id: "canned-list", class: "canned-list" });
    dialog = el("dialog", { id: "canned-dialog", class: "canned-dialog", "aria-labelledby": "canned-dialog-title" },
      el("h2", { id: "canned-dialog-title", text: T("团队常用语") }), list, form);
    let editing = null;
    const edit = (reply) => {
      editing = reply;
      title.value = reply ? reply.title : "";
      text.value = reply ? reply.text : "";
      message.textContent = "";
      title.focus();
    };
    const render = () => clear(list, state.canned.length ? state.canned.map((reply) => el("li", { "data-canned": reply.id },
      el("strong", { text: reply.title }), el("span", { class: "muted", text: ` · ${label("locale", reply.locale)} · ${reply.author || ""}` }),
      el("div", { class: "phrase-text", text: reply.text }),
      reply.editable ? el("div", { class: "composer-row" },
        el("button", { type: "button", class: "canned-edit", text: T("编辑"), onclick: () => edit(reply) }),
        el("button", { type: "button", class: "canned-remove", text: T("删除"), onclick: () => remove(reply) })) : null))
      : el("li", { class: "muted", text: T("还没有团队常用语") }));
    const remove = async (reply) => {
      if (!confirm(T("删除「{0}」？", reply.title))) return;
      const result = await api("DELETE", `/api/canned-replies/${reply.id}`);
      if (!result.ok) { message.textContent = Staff.errorText(result, T("删除失败（{0}）", result.status)); return; }
      await loadCanned();
      render();
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { title: title.value.trim(), text: text.value, locale: editing ? undefined : conversationLocale() };
      const result = editing ? await api("PUT", `/api/canned-replies/${editing.id}`, body) : await api("POST", "/api/canned-replies", body);
      if (result.status === 422 && result.data.forbidden) {
        // every phrase the text holds, each with its expression, as the reply guard names them
        const each = result.data.suggestions || [{ forbidden: result.data.forbidden, suggestion: result.data.suggestion }];
        message.textContent = each.map((s) => T("含有服务忌语「{0}」，请改用：{1}", s.forbidden, s.suggestion)).join(" ");
        return;
      }
      if (result.status === 409 && result.data.limit) {
        message.textContent = result.data.limit === "author"
          ? T("您已有 {0} 条常用语，达到每人上限，请先删除不用的。", result.data.most)
          : T("团队常用语已达上限（{0} 条），请先删除不用的。", result.data.most);
        return;
      }
      if (!result.ok) { message.textContent = Staff.errorText(result, T("保存失败（{0}）", result.status)); return; }
      await loadCanned();
      render();
      edit(null);
      message.textContent = "";
    });
    dialog.renderList = render;
    dialog.edit = edit;
    document.body.append(dialog);
    return dialog;
  }

  async function openCannedDialog() {
    const dialog = cannedDialog();
    await loadCanned();
    dialog.renderList();
    dialog.showModal();
    dialog.edit(null);
  }

  function phrasePickerBox() {
    const search = el("input", { type: "search", id: "phrase-search", placeholder: T("搜索标准用语…"),
      "aria-label": T("搜索标准用语"), autocomplete: "off" });
    const list = el("ul", { id: "phrase-list", class: "phrase-list", role: "listbox" });
    const manage = el("button", { type: "button", id: "canned-manage", class: "link", text: T("管理团队常用语"),
      onclick: () => { close(); openCannedDialog(); } });
    const panel = el("div", { id: "phrase-panel", class: "phrase-panel", hidden: true }, search, list, manage);
    const toggle = el("button", { type: "button", id: "phrase-toggle", "aria-expanded": "false", "aria-controls": "phrase-panel",
      text: T("标准用语") });
    const close = () => { panel.hidden = true; toggle.setAttribute("aria-expanded", "false"); };
    const insert = (choice) => {
      const box = $("reply-text");
      const start = box.selectionStart ?? box.value.length;
      box.setRangeText(choice.text, start, box.selectionEnd ?? start, "end");
      close();
      box.focus();
      keepDraft();  // in this conversation's draft, as typed words are
    };
    const render = () => {
      const query = search.value.trim().toLowerCase();
      const shown = phraseChoices().filter((c) => !query || [c.label, c.text, c.also || ""].some((words) => words.toLowerCase().includes(query)));
      const items = [];
      let section = null;
      for (const choice of shown) {
        if (choice.section && choice.section !== section) {
          section = choice.section;
          items.push(el("li", { class: "phrase-section", role: "presentation", text: section }));
        }
        items.push(el("li", { role: "option", "data-phrase": choice.id },
          el("button", { type: "button", class: "phrase", disabled: choice.missing.length > 0,
            title: choice.missing.length ? T("此会话还没有投诉单，无法填入编号/时限") : choice.text,
            onclick: () => insert(choice) },
          el("strong", { class: "phrase-label", text: choice.label }),
          el("span", { class: "phrase-text", text: choice.text }))));
      }
      clear(list, items.length ? items : el("li", { class: "muted", text: T("没有匹配的用语") }));
    };
    toggle.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      toggle.setAttribute("aria-expanded", String(!panel.hidden));
      if (!panel.hidden) {
        search.value = ""; render(); search.focus();
        // a colleague's new ones too, and the standard phrases in the conversation's language
        Promise.all([loadCanned(), loadPhraseBook(conversationLocale()), loadPhraseBook(StaffI18n.locale)]).then(() => { if (!panel.hidden) render(); });
      }
    });
    search.addEventListener("input", render);
    document.addEventListener("mousedown", (event) => {
      if (!panel.hidden && !event.target.closest("#phrase-picker") && !event.target.closest("#canned-dialog")) close();
    });
    search.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { close(); $("reply-text").focus(); }
      if (event.key === "Enter" && !event.isComposing) {
        // Only inserted: this key, Ctrl+Enter too, is not the reply box's send once the phrase is in it.
        event.preventDefault();
        event.stopPropagation();
        const first = list.querySelector("button.phrase:not([disabled])");
        if (first) first.click();
      }
    });
    return el("div", { id: "phrase-picker", class: "phrase-picker" }, toggle, panel);
  }

  function renderConversationShell() {
    const phrasePicker = phrasePickerBox();

    const transferMode = el("select", { id: "transfer-mode", "aria-label": T("转交给") },
      el("option", { value: "username", text: T("客服") }),
      el("option", { value: "queue", text: T("队列") }));
    const transferTarget = el("input", { type: "text", id: "transfer-target", list: "transfer-options",
      placeholder: T("用户名"), "aria-label": T("用户名或队列"), size: 14 });
    // Picked from a list: queues by their names (with a warning when no agent is in one), people
    // (not managers) with their role and queues.
    const transferOptions = el("datalist", { id: "transfer-options" });
    const targets = state.transferTargets;
    const fillOptions = () => clear(transferOptions, (transferMode.value === "queue"
      ? targets.queues.map((q) => el("option", { value: q.name || q.id,
        text: q.members === 1 ? T("{0} · 1 名客服", q.name || q.id) : q.members ? T("{0} · {1} 名客服", q.name || q.id, q.members) : T("{0}（无人值守）", q.name || q.id) }))
      : targets.people.filter((p) => p.id !== state.me.id)
        .map((p) => el("option", { value: p.username, text: [p.display_name ? `${p.display_name} (${p.username})` : p.username,
          label("role", p.role), p.role === "agent" ? StaffI18n.list((p.queues || []).map(queueName)) || T("无队列") : T("全部队列")].join(" · ") }))));
    // the placeholder names what the mode asks for: short enough to show whole in a narrow column
    transferMode.addEventListener("change", () => {
      fillOptions();
      transferTarget.value = "";
      transferTarget.placeholder = transferMode.value === "queue" ? T("队列名") : T("用户名");
    });
    fillOptions();

    // The centre is the conversation and the reply box, so the messages get the height; the
    // note and the case actions sit in the right-hand column.
    clear($("conversation"),
      el("div", { class: "conversation-head" },
        el("button", { type: "button", id: "back-to-queue", class: "back-to-queue", text: T("← 返回队列"),
          onclick: () => showView("queue") }),
        el("h2", { id: "conversation-title" }),
        el("span", { id: "conversation-meta", class: "muted" }),
        el("div", { id: "conversation-cases", class: "conversation-cases", hidden: true })),
      el("div", { id: "window-notice" }),
      el("p", { id: "conversation-message", role: "alert", class: "error" }),
      el("button", { type: "button", id: "earlier", class: "earlier", hidden: true,
        onclick: () => showEarlierMessages() }),
      el("ol", { id: "messages", class: "messages", "aria-live": "polite" }),
      el("button", { type: "button", id: "newer", class: "newer", hidden: true, text: T("有新消息 ↓"),
        onclick: () => scrollToNewest() }),
      el("form", { id: "reply-form", class: "composer" },
        el("textarea", { id: "reply-text", rows: 3, maxlength: 2000, placeholder: T("回复客户…（Ctrl+Enter 发送）") }),
        el("div", { id: "guard", hidden: true }),
        el("div", { class: "composer-row" }, phrasePicker, el("span", { class: "spacer" }),
          el("button", { type: "submit", id: "reply-send", class: "primary", text: T("发送"), title: "Ctrl+Enter" }))));
    clear($("case-actions"),
      el("h2", { id: "actions-title", text: T("处理") }),
      el("form", { id: "note-form", class: "composer" },
        el("div", { class: "composer-row" },
          el("input", { type: "text", id: "note-text", placeholder: T("内部备注（不会发给客户）"), class: "wide" }),
          el("button", { type: "submit", id: "note-add", text: T("添加备注") }))),
      el("div", { class: "composer" },
        el("div", { class: "composer-row" },
          transferMode, transferTarget, transferOptions,
          el("button", { type: "button", id: "transfer", text: T("转交"), onclick: transfer })),
        el("div", { class: "composer-row" },
          el("input", { type: "text", id: "resolve-summary", placeholder: T("处理结果摘要"), class: "wide" }),
          el("button", { type: "button", id: "resolve", text: T("标记已解决"), onclick: resolve }),
          el("button", { type: "button", id: "confirm-resolved", text: T("客户确认已解决"),
            onclick: confirmResolved }),
          el("button", { type: "button", id: "reopen", text: T("重新打开…"), hidden: true, onclick: reopen })),
        state.me.role === "agent" ? null : el("div", { class: "composer-row" },
          el("label", { for: "extend-hours", text: T("延长时限") }),
          // the case's own promise again (renderExtension), in the unit its deadline counts in
          el("input", { type: "number", id: "extend-hours", min: 1, max: 720, step: "any", class: "narrow",
            "aria-describedby": "extend-error" }),
          el("span", { id: "extend-unit", class: "unit", text: clockUnit(state.clock) }),
          el("select", { id: "extend-case", "aria-label": T("延长哪个投诉"), hidden: true }),
          el("input", { type: "text", id: "extend-reason", placeholder: T("原因"), size: 12 }),
          el("button", { type: "button", id: "extend", text: T("延长…"), onclick: previewExtension })),
        state.me.role === "agent" ? null : el("p", { id: "extend-error", class: "error", role: "alert", hidden: true }),
        state.me.role === "agent" ? null : el("div", { id: "extend-preview", class: "extend-preview", hidden: true })));
    $("case-actions").hidden = false;
    $("messages").addEventListener("scroll", () => { if (atNewest($("messages"))) $("newer").hidden = true; });
    // A status line ("已发送") or a guard box belongs to the reply it was about: typing a new one clears them.
    $("reply-text").addEventListener("input", () => { say(""); $("guard").hidden = true; keepDraft(); });
    $("reply-text").value = draftOf(state.conversationId);
    $("reply-form").addEventListener("submit", (event) => { event.preventDefault(); sendReply(null); });
    // A preview belongs to the hours and reason it showed: changing them asks for a new one.
    for (const id of ["extend-hours", "extend-reason"]) {
      if ($(id)) $(id).addEventListener("input", () => { $("extend-preview").hidden = true; $("extend-error").hidden = true; });
    }
    if ($("extend-case")) $("extend-case").addEventListener("change", () => { $("extend-preview").hidden = true; renderExtension(); });
    $("note-form").addEventListener("submit", (event) => { event.preventDefault(); addNote(); });
    $("note-text").addEventListener("input", () => say(""));
    // Enter submits the transfer and the resolution (not while an input method is composing);
    // an error about the field goes once the field changes.
    for (const [id, action] of [["transfer-target", transfer], ["resolve-summary", resolve]]) {
      $(id).addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.isComposing) { event.preventDefault(); action(); }
      });
      $(id).addEventListener("input", () => say(""));
    }
    // A queue no agent is in: said before the transfer, not only after it.
    $("transfer-target").addEventListener("input", () => {
      const queue = $("transfer-mode").value === "queue" && emptyQueue($("transfer-target").value.trim());
      if (queue) say(T("「{0}」目前没有成员客服，转过去可能无人认领。", queue.name || queue.id));
    });
  }

  // After "resolved", the case stays resolved until someone reopens, claims or hands it off again:
  // the server says so (the timeline shown may hold only its newest entries).
  function resolution(c) {
    return c.resolution || null;
  }

  function atNewest(list) { return list.scrollHeight - list.scrollTop - list.clientHeight < 40; }

  function scrollToNewest() {
    const list = $("messages");
    list.scrollTop = list.scrollHeight;
    $("newer").hidden = true;
  }

  function renderConversationBody() {
    const c = state.conversation;
    $("conversation-title").textContent = T("会话 {0}", c.id);
    const customer = c.customer || {};
    const resolved = resolution(c);
    const status = resolved ? T("已解决") : label("status", c.status);
    const waiting = claimable(c);
    const queued = !(c.owner || "").startsWith("agent:") && waiting;
    const handler = resolved ? staffName(resolved.actor) : queued ? T("等待认领（{0}）", queueName(waiting.queue)) : ownerText(c.owner);
    // nobody holds a ticket waiting to be claimed: it says so, never 处理中
    const unclaimed = !resolved && (queued || (c.owner || "").startsWith("queue:"));
    $("conversation-meta").textContent = [
      label("channel", c.channel), unclaimed ? handler : status, unclaimed ? null : T("处理人：{0}", handler),
      customer.display_name || null, customer.phone || null, customer.tier ? T("客户类别：{0}", label("tier", customer.tier)) : null,
    ].filter(Boolean).join(" · ");
    renderCases(c);
    $("conversation").dataset.resolved = resolved ? "true" : "false";
    renderAllowed(c, resolved);
    $("conversation").dataset.photos = c.sends_photos ? "true" : "false";  // issue 15: photo_send.js
    renderWindow(c.window);
    const list = $("messages");
    const switched = list.dataset.conversation !== String(c.id);
    const wasAtNewest = atNewest(list);
    const before = list.querySelectorAll("li").length;
    if (switched) clear(list);
    redrawMessages(list, c.messages || []);
    list.dataset.conversation = String(c.id);
    const earlier = $("earlier");
    earlier.hidden = !c.earlier_messages;
    earlier.textContent = T("显示更早的消息（还有 {0} 条）", c.earlier_messages || 0);
    // Follow the conversation unless the agent scrolled up to read; then say there is more below.
    if (switched || wasAtNewest || state.followNewest) {
      state.followNewest = false;
      scrollToNewest();
    } else if ((c.messages || []).length > before && !state.showingEarlier) {
      $("newer").hidden = false;
    }
  }

  // A follow (WeChat's subscribe), a /start or a menu button opening the conversation is a message
  // with no text: it reads as a small line in the history, as does any other message with nothing
  // to show, never as an empty bubble.
  const OPENINGS = { followed: T("客户关注了公众号"), menu: T("客户点击菜单打开了对话"), started: T("客户开始了对话") };

  function eventLine(message) {
    if (message.kind === "start") return OPENINGS[message.opening] || OPENINGS.started;
    if (!(message.text || "").trim() && !(message.media || []).length) {
      return `${SENDERS[message.from] || message.from} · ${T("（没有文字的消息）")}`;
    }
    return null;
  }

  // What the bot did not read of a customer's text (config/channels.yaml): the agent reads it whole.
  const NOT_READ = {
    unread: T("机器人未读此消息（发送过多），请人工阅读"),
    in_part: T("机器人只读了开头和结尾，请完整阅读"),
  };

  function notRead(message) {
    const how = message.kind === "unread" ? "unread" : message.read_in_part ? "in_part" : null;
    return how && el("span", { class: "not-read", "data-not-read": how, text: NOT_READ[how] });
  }

  // What a message's element shows: the same drawn again is the same element kept.
  function messageDrawn(message) {
    return [message.kind, message.opening, message.from, message.ts, message.text, (message.media || []).map((photo) => photo.id).join(" "),
      message.direction, message.delivery_status, Boolean(message.possibly_duplicated), Boolean(message.read_in_part)].join("\u0000");
  }

  // Every refetch (the customer wrote, a delivery status changed, the socket's watch answer) keeps
  // the elements of the messages it did not change, by message id: a photo is not loaded again, the
  // words the agent selected stay selected and the list does not jump. Only a message new or
  // changed is drawn, in its place; one gone from the window (older than the page shown) leaves.
  function redrawMessages(list, messages) {
    redrawKeyed(list, messages.map((message) => ({ key: String(message.id), drawn: messageDrawn(message), draw: () => messageItem(message) })));
  }

  // Draws ``rows`` ({key, drawn, draw}) into ``list`` in their order, keeping each element whose
  // key and ``drawn`` (what it shows) are the ones it was drawn with; the rest are drawn anew or removed.
  function redrawKeyed(list, rows) {
    const kept = new Map();
    for (const item of [...list.children]) {
      if (item.drawnKey !== undefined && !kept.has(item.drawnKey)) kept.set(item.drawnKey, item);
      else item.remove();
    }
    const wanted = new Set(rows.map((row) => row.key));
    for (const [key, item] of kept) if (!wanted.has(key)) { item.remove(); kept.delete(key); }
    let next = list.firstElementChild;
    for (const row of rows) {
      let item = kept.get(row.key);
      kept.delete(row.key);
      if (item && item.drawnAs !== row.drawn) {
        const fresh = row.draw();
        item.replaceWith(fresh);
        if (next === item) next = fresh;
        item = fresh;
      }
      if (!item) item = row.draw();
      item.drawnKey = row.key;
      item.drawnAs = row.drawn;
      if (item === next) next = item.nextElementSibling;
      else list.insertBefore(item, next);
    }
  }

  function messageItem(message) {
    const line = eventLine(message);
    if (line) {
      return el("li", { class: "from-system event", "data-message": message.id, "data-kind": message.kind },
        el("span", { class: "text", text: `${line} · ${formatTime(message.ts)}` }));
    }
    return el("li", {
      class: `from-${message.from}`, "data-message": message.id,
      "data-media": (message.media || []).map((photo) => photo.id).join(" ") || null,  // issue 15: media.js shows them
    },
      el("span", { class: "meta" },
        `${SENDERS[message.from] || message.from} · ${formatTime(message.ts)}`,
        message.direction === "out" && message.delivery_status ? ` · ${label("delivery", message.delivery_status)}` : "",
        message.possibly_duplicated ? T(" · 可能重复") : ""),
      notRead(message),
      el("span", { class: "text", text: message.text || "" }));
  }

  // A conversation with two cases (another problem told after the hand-off): each case's number,
  // category and deadline under the title, the resolved one marked.
  function renderCases(c) {
    const complaints = c.complaints || [];
    const box = $("conversation-cases");
    box.hidden = complaints.length < 2 || !openCases().length;
    clear(box, box.hidden ? [] : complaints.map((k) => el("span", { class: `case-chip${isOpen(k) ? "" : " closed"}`, "data-case": k.case_number },
      el("strong", { class: "case-number", text: k.case_number }), ` ${categoryName(k.category)} · `,
      isOpen(k)
        ? el("span", { class: "deadline", title: T("答复时限 {0}", formatTime(k.deadline_at)), text: T("时限 {0}", formatTime(k.deadline_at)) })
        : el("span", { text: label("status", k.status) }))));
  }

  function isOpen(complaint) { return complaint.status === "open" || complaint.status === "incomplete"; }
  function openCases() { return ((state.conversation && state.conversation.complaints) || []).filter(isOpen); }

  // Only what this person may do is offered (the API refuses the rest): the owner replies, the
  // owner or a supervisor transfers and resolves, and a resolved case has no composer; a short
  // hint in the reply box says why.
  function renderAllowed(c, resolved) {
    const mine = c.owner === `agent:${state.me.id}`;
    const lead = state.me.role !== "agent";
    const canReply = mine && !resolved;
    const canAct = (mine || lead) && !resolved;
    const canConfirm = Boolean(resolved) && (lead || mine || resolved.actor === `agent:${state.me.id}`);
    const waiting = mine || resolved ? null : claimable(c);
    let why = "";
    if (resolved) why = T("该会话已解决，不能再回复；客户再次来信，或点「重新打开…」后可继续处理。");
    else if (waiting && waiting.conversation_id !== c.id) why = T("客户申诉已并入投诉 {0}，在「{1}」等待主管认领：认领后在本会话回复客户。", c.appeal_of || "", queueName(waiting.queue));
    else if (waiting && waiting.reason === "appeal" && (c.owner || "").startsWith("agent:")) why = T("由 {0} 处理中；客户申诉在「{1}」等待主管认领。", staffName(c.owner), queueName(waiting.queue));
    else if (waiting && !mayClaim(waiting)) why = T("客户正在「{0}」等待认领：您不在该队列，无法认领；请该队列的客服或主管认领。", queueName(waiting.queue));
    else if (waiting) why = T("客户正在「{0}」等待认领：认领后即可回复。", queueName(waiting.queue));
    else if (!mine && (c.owner || "").startsWith("agent:")) why = T("由 {0} 处理中：只有处理人可以回复。", staffName(c.owner));
    else if (!mine && (c.owner || "").startsWith("queue:")) why = T("客户正在排队等待：请先在等待队列中认领，再回复。");
    else if (!mine) why = T("机器人正在接待该客户：转人工后认领才能回复。");
    let hint = $("reply-hint");
    if (!hint) {
      hint = el("p", { id: "reply-hint", class: "muted" });
      $("reply-form").prepend(hint);
    }
    // Waiting in a queue: claim it here, without going back to its card.
    clear(hint, why, mayClaim(waiting) ? el("button", { type: "button", id: "claim-here", class: "primary claim", text: T("认领"),
      onclick: () => claim({ id: waiting.ticket_id }, sayUntilNextAction) }) : null);
    hint.hidden = canReply;
    $("conversation").dataset.canReply = String(canReply);
    for (const id of ["reply-text", "reply-send", "phrase-toggle"]) $(id).disabled = !canReply;
    if (!canReply) $("guard").hidden = true;
    for (const id of ["transfer-mode", "transfer-target", "transfer", "resolve-summary", "resolve"]) $(id).disabled = !canAct;
    $("confirm-resolved").disabled = !canConfirm;
    $("confirm-resolved").title = canConfirm ? "" : T("标记已解决后，客户确认时再记录");
    // 重新打开: for a resolved case, by whoever handled it (the server knows every claim), a supervisor or a manager.
    const handled = mine || (resolved && resolved.actor === `agent:${state.me.id}`)
      || (c.timeline || []).some((e) => e.kind === "claimed" && e.actor === `agent:${state.me.id}`);
    $("reopen").hidden = !resolved;
    $("reopen").disabled = !(resolved && (lead || handled));
    $("reopen").title = $("reopen").disabled ? T("只有处理过该投诉的客服、主管或经理可以重新打开") : "";
  }

  // A long conversation opens on its newest messages; older ones come a page at a time.
  async function showEarlierMessages() {
    const list = $("messages");
    const fromBottom = list.scrollHeight - list.scrollTop;
    state.messagesShown = (state.messagesShown || MESSAGES_PAGE) + MESSAGES_PAGE;
    state.showingEarlier = true;
    try {
      await loadConversation();
    } finally {
      state.showingEarlier = false;
    }
    list.scrollTop = list.scrollHeight - fromBottom;
  }

  function renderWindow(window_) {
    const box = $("window-notice");
    if (!window_) { clear(box); return; }
    let text;
    let bad = false;
    if (!window_.open) {
      text = T("{0} 客服消息窗口已关闭：回复将改用模板消息或等待客户再次来信。", label("channel", window_.channel));
      bad = true;
    } else {
      text = T("{0} 窗口：还可发送 {1} 条，{2} 关闭。", label("channel", window_.channel), window_.messages_left, formatTime(window_.closes_at));
      bad = Boolean(window_.closing_soon);
      if (bad) text += T(" 即将关闭，请尽快回复。");
    }
    clear(box, el("p", { class: bad ? "notice bad" : "notice", id: "window-text", text }));
  }

  // The owner, a supervisor or a manager may correct a case's phone, place and category.
  function mayCorrect() {
    const c = state.conversation;
    return state.me.role !== "agent" || c.owner === `agent:${state.me.id}`;
  }

  // Service hours skip nights, weekends and holidays: 24 of them can be several days; a danger
  // case's deadline counts around the clock, so its extension does too.
  function clockUnit(clock) {
    if (clock === "business_hours") return T("服务小时");
    if (clock === "around_the_clock") return T("小时（全天计）");
    return T("小时");
  }

  // 延长时限 counts as the case's deadline counts and offers its own promise's hours (1 for
  // someone trapped in a lift, 12 for a simple complaint); what a supervisor typed is kept.
  function renderExtension() {
    const input = $("extend-hours");
    if (!input) return;
    const complaints = state.conversation.complaints || [];
    const picked = extensionCase();
    const c = picked || complaints[complaints.length - 1] || state.conversation.appealed_case;
    const terms = c && c.extension;  // none without a case: nothing to extend (the API says so)
    $("extend-unit").textContent = clockUnit(terms ? terms.clock : state.clock);
    // the box's arrows and its :invalid stay within what the API takes
    if (terms && terms.min_hours) input.min = String(terms.min_hours);
    if (terms && terms.max_hours) input.max = String(terms.max_hours);
    const key = `${state.conversation.id}:${(c && c.case_number) || ""}`;
    if (input.dataset.case !== key) {
      input.dataset.case = key;
      input.value = terms ? String(terms.default_hours) : "";
    }
  }

  // Two open cases: the supervisor picks whose deadline moves, the nearest deadline first offered.
  function extensionCase() {
    const select = $("extend-case");
    const open = openCases();
    if (!select) return null;
    select.hidden = open.length < 2;
    if (select.hidden) { clear(select); return null; }
    const key = open.map((k) => `${k.case_number}@${k.deadline_at}`).join(" ");
    if (select.dataset.cases !== key) {
      const before = select.value;
      const nearest = [...open].sort((a, b) => new Date(a.deadline_at) - new Date(b.deadline_at))[0];
      clear(select, open.map((k) => el("option", { value: k.case_number,
        text: `${k.case_number} · ${categoryName(k.category)} · ${T("时限 {0}", Staff.formatShortTime(k.deadline_at))}` })));
      select.value = open.some((k) => k.case_number === before) ? before : nearest.case_number;
      select.dataset.cases = key;
    }
    return open.find((k) => k.case_number === select.value) || null;
  }

  function renderComplaint() {
    renderExtension();
    const complaints = state.conversation.complaints || [];
    const appealed = state.conversation.appealed_case;
    if (!complaints.length && !appealed) {
      clear($("complaint"), el("p", { class: "muted", text: T("尚未登记投诉") }));
      return;
    }
    // A refetch (the customer wrote, a colleague acted) does not wipe what is being typed.
    if (state.editingCase && complaints.some((c) => c.case_number === state.editingCase)) return;
    state.editingCase = null;
    clear($("complaint"), complaints.map((c) => caseForm(c, state.conversation.channel)),
      appealed ? appealedCase(appealed) : null);
  }

  // The case the customer appealed from this chat is kept on the conversation it was filed in:
  // shown here, where the supervisor answers, and corrected there.
  function appealedCase(c) {
    const form = caseForm(c, c.channel, true);
    form.id = "appealed-case";
    form.prepend(el("h3", { class: "appealed-title" }, T("客户申诉的投诉 {0}", c.case_number || ""), " ",
      el("button", { type: "button", id: "appealed-case-link", class: "link", text: T("打开会话 {0}", c.conversation_id),
        onclick: () => openConversation(c.conversation_id) })));
    return form;
  }

  // A model's suggestion is a signal's or an intent's id (model_trust in classification.yaml).
  function suggestionName(id) {
    const signal = label("signal", id);
    return signal !== String(id) ? signal : label("intent", id);
  }

  function caseForm(c, channel, appealed) {
    const rows = [
      [T("编号"), c.case_number],
      // The earlier cases of the same category this one repeats (handoff.yaml repeat_link_days).
      // Earlier cases in conversations this agent may not open are counted, never named (api.md).
      [T("此前投诉"), StaffI18n.list([...(c.repeat_of || []),
        ...(c.repeat_of_hidden ? [T("另有 {0} 件（不在您的队列）", c.repeat_of_hidden)] : [])])],
      [T("类别"), categoryName(c.category)],
      [T("其他问题类别"), StaffI18n.list((c.other_categories || []).map(categoryName))],
      [T("级别"), label("grade", c.grade)],
      [T("状态"), label("status", c.status)],
      // The problem as restated and confirmed; the customer's own words are on the timeline.
      [T("问题描述"), c.problem || c.description],
      [T("联系电话"), c.contact_by_channel ? T("客户未留电话，请通过本会话渠道（{0}）联系", channel) : c.contact_phone],
      [T("分机号"), c.contact_extension],
      [T("备用电话"), c.alternative_phone],
      [T("备用电话分机号"), c.alternative_extension],
      [T("地址/区域"), c.area],
      [T("信号"), StaffI18n.list((c.signals || []).map((s) => label("signal", s)))],
      [T("模型提示（未采用）"), StaffI18n.list((c.model_suggestions || []).map(suggestionName))],
      [T("答复时限"), formatTime(c.deadline_at)],
      [T("已超时"), c.breached_at ? formatTime(c.breached_at) : null],
      [T("解决时间"), c.resolved_at ? formatTime(c.resolved_at) : null],
    ];
    const satisfaction = (c.satisfaction || []).map((s) => `${s.rating ?? "—"} ${s.comment || ""} (${label("channel", s.method)})`);
    if (satisfaction.length) rows.push([T("满意度"), satisfaction.join("\n")]);
    return el("div", { class: appealed ? "case-form appealed-case" : "case-form", "data-case": c.case_number },
      el("dl", { class: "form" }, rows.filter(([, v]) => v !== null && v !== undefined && v !== "")
        .map(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })])),
      !appealed && mayCorrect() && !state.conversation.phones_masked
        ? el("button", { type: "button", class: "correct-case", text: T("更正投诉单"), onclick: () => editComplaint(c) })
        : null);
  }

  // The form's corrections: what the bot heard or shortened wrongly ("西城区金融街悦府" kept as
  // "西城区金融街"). Saved as a correction the timeline shows (old → new), never sent to the customer.
  const FIX_FIELDS = { contact_phone: { name: T("联系电话") }, area: { name: T("地址/区域") }, category: { name: T("类别") } };

  // the tier in the page's language (the API's tier_name is the configured Chinese one)
  function tierName(customer) {
    const named = label("tier", customer.tier);
    return named !== String(customer.tier) ? named : customer.tier_name || named;
  }

  function editComplaint(c) {
    state.editingCase = c.case_number;
    const phone = el("input", { type: "text", id: "fix-phone", value: c.contact_phone || "", inputmode: "tel", class: "wide" });
    const area = el("input", { type: "text", id: "fix-area", value: c.area || "", maxlength: 200, class: "wide" });
    const category = el("select", { id: "fix-category" },
      Object.entries(state.categories).map(([id, name]) => el("option", { value: id, text: name, selected: id === c.category })));
    const problem = el("p", { id: "fix-message", class: "error", role: "alert" });
    const box = $("complaint").querySelector(`[data-case="${CSS.escape(c.case_number)}"]`);
    const done = () => { state.editingCase = null; renderComplaint(); };
    const save = async () => {
      const body = { case_number: c.case_number };
      if (phone.value.trim() !== (c.contact_phone || "")) body.contact_phone = phone.value.trim();
      if (area.value.trim() !== (c.area || "")) body.area = area.value.trim();
      if (category.value !== c.category) body.category = category.value;
      if (Object.keys(body).length === 1) { done(); return; }
      const result = await api("PATCH", `/api/conversations/${state.conversationId}/complaint`, body);
      if (!result.ok) { problem.textContent = Staff.errorText(result, T("更正失败（{0}）", result.status), (f) => FIX_FIELDS[f]); return; }
      state.editingCase = null;
      say(T("投诉单已更正（客户看不到）"), true);
      await loadConversation();
    };
    clear(box, el("form", { class: "case-fix", onsubmit: (event) => { event.preventDefault(); save(); } },
      el("label", { for: "fix-phone", text: T("联系电话") }), phone,
      el("label", { for: "fix-area", text: T("地址/区域") }), area,
      el("label", { for: "fix-category", text: T("类别") }), category,
      el("p", { class: "muted", text: T("级别和答复时限不变；更正记入处理记录，不会发给客户。") }),
      problem,
      el("div", { class: "actions" },
        el("button", { type: "submit", id: "fix-save", class: "primary", text: T("保存更正") }),
        el("button", { type: "button", id: "fix-cancel", text: T("取消"), onclick: done }))));
    area.focus();
  }

  function ownerName(owner) {
    if (!owner || owner === "bot") return T("机器人");
    return owner.startsWith("queue:") ? queueName(owner.slice(6)) : staffName(owner);
  }

  const CORRECTED_FIELDS = { contact_phone: T("电话"), area: T("地址"), category: T("类别") };

  function timelineText(event) {
    const detail = event.detail || {};
    // "投诉单已更正：地址 西城区金融街 → 西城区金融街悦府"
    if (event.kind === "complaint_corrected") {
      const shown = (change, value) => (change.field === "category" ? categoryName(value) : value) || "—";
      return `${EVENT_NAMES.complaint_corrected}: ${(detail.changes || []).map((change) =>
        `${CORRECTED_FIELDS[change.field] || change.field} ${shown(change, change.from)} → ${shown(change, change.to)}`).join("; ")}`;
    }
    // "转交 agent2 → agent1": from whom to whom (a row written before "from" was kept names only the new owner)
    if (event.kind === "transferred" && detail.to) {
      return [EVENT_NAMES.transferred, detail.from ? ownerName(detail.from) : null, `→ ${ownerName(detail.to)}`].filter(Boolean).join(" ");
    }
    const parts = [EVENT_NAMES[event.kind] || event.kind];
    // "认领", "内部备注": the row's header names who did it already ("我（li）", "李娜")
    const byHeader = (event.kind === "claimed" || event.kind === "note") && (event.actor || "").startsWith("agent:");
    if (detail.username && !byHeader) parts.push(detail.username);
    // "已分类 物业服务 · 简单"
    if (event.kind === "classified" && detail.category) parts.push([categoryName(detail.category), detail.grade ? label("grade", detail.grade) : null].filter(Boolean).join(" · "));
    // "承诺答复时限 2026-12-07 15:00（告知客户「明天下午3点前」）"
    if ((event.kind === "promised" || event.kind === "deadline_set") && detail.deadline_at) {
      parts.push(formatTime(detail.deadline_at));
      if (detail.said) parts.push(T("（告知客户「{0}」）", detail.said));
    }
    // "延长时限 2026-12-07 15:00 → 2026-12-08 15:00（延长 24 小时）"
    if (event.kind === "deadline_extended" && detail.deadline_at) {
      parts.push(`${detail.previous ? formatTime(detail.previous) : "—"} → ${formatTime(detail.deadline_at)}`);
      // counted in service hours, the 24 are not a day on the wall clock
      if (detail.hours) parts.push(detail.clock === "business_hours" ? T("（延长 {0} 服务小时）", detail.hours) : T("（延长 {0} 小时）", detail.hours));
    }
    // "同一网络地址（IP）投诉过多·排在其他客户之后 统计60分钟内 该网络地址（IP）已有11个投诉"
    if (event.kind === "many_cases_from_address" && detail.cases) {
      if (detail.window_minutes) parts.push(DETAIL_SENTENCES.window_minutes(detail.window_minutes));
      parts.push(DETAIL_SENTENCES.cases(detail.cases));
    }
    // "客户评价 4分（原为 2分）"
    if (event.kind === "rated" && detail.rating != null) {
      parts.push(detail.corrected_from != null ? T("{0}分（原为 {1}分）", detail.rating, detail.corrected_from) : T("{0}分", detail.rating));
    }
    if (event.kind === "reopened" && detail.owner) parts.push(`→ ${ownerName(detail.owner)}`);
    if (event.kind === "reopened" && detail.why) parts.push(T("原因：{0}", detail.why));
    if (event.kind === "reopened" && detail.deadline_at) parts.push(T("新时限：{0}", formatTime(detail.deadline_at)));
    if (event.kind === "reopened" && detail.callback_cancelled) parts.push(T("（已取消回访）"));
    if ((event.kind === "follows_case" || event.kind === "case_phone_asked" || event.kind === "another_case_started" || event.kind === "another_problem_dropped") && detail.case_number) parts.push(detail.case_number);
    // "一个投诉已解决 TS…（仍在处理：TS…）"; "已解决 TS…、TS…" when one action resolved several
    if (event.kind === "case_resolved" && detail.case_number) parts.push(detail.case_number);
    if (event.kind === "case_resolved" && (detail.open_cases || []).length) parts.push(T("（仍在处理：{0}）", StaffI18n.list(detail.open_cases)));
    if (event.kind === "resolved" && (detail.case_numbers || []).length) parts.push(StaffI18n.list(detail.case_numbers));
    if (event.kind === "case_phone_checked") parts.push(detail.confirmed ? T("核对通过") : T("核对未通过"));
    // "核对投诉人：答错次数过多·暂停核对 24小时内答错5次 · 12-07 10:00前任何回答都不予通过"
    if (event.kind === "case_check_locked" && detail.failures) {
      parts.push(T("{0}小时内答错{1}次", detail.window_hours, detail.failures));
      if (detail.until_at) parts.push(T("{0}前任何回答都不予通过", formatTime(detail.until_at)));
    }
    if (detail.queue) parts.push(`→ ${queueName(detail.queue)}`);
    if (detail.reason) parts.push(`(${label("reason", detail.reason)})`);
    if (detail.text) parts.push(`「${detail.text}」`);
    if (detail.unverified) parts.push(T("（非该投诉的客户所发，身份未核实）"));
    if (event.kind === "escalated" && detail.agent_keeps) parts.push(T("（已报告值班主管，客服继续处理）"));
    if (detail.named_case) parts.push(DETAIL_SENTENCES.named_case(detail.named_case));
    if (detail.phone_checked) parts.push(T("（非该投诉的客户所发，已核对联系电话）"));
    if (detail.other_categories) parts.push(T("另有问题：{0}", StaffI18n.list(detail.other_categories.map(categoryName))));
    if (event.kind === "model_suggested") parts.push(StaffI18n.list([...(detail.signals || []), ...(detail.intents || [])].map(suggestionName)));
    if (detail.summary) parts.push(T("摘要：{0}", detail.summary));
    if (detail.to) parts.push(`→ ${detail.to.startsWith("queue:") ? queueName(detail.to.slice(6)) : staffName(detail.to)}`);
    if (detail.overrode_guard) parts.push(T("（忽略忌语提醒发送）"));
    // the message above is what the customer read: the agent's words in the customer's script
    if (detail.in_traditional) parts.push(T("（已按客户习惯转为繁体字发送）"));
    if (detail.previous_tier) parts.push(`${label("tier", detail.previous_tier)} → ${label("tier", detail.tier)}`);
    return parts.join(" ");
  }

  function renderTimeline() {
    const c = state.conversation;
    // One reopening writes two rows (the customer's answer, the case opened again): one is shown.
    const reopenedAt = new Set((c.timeline || []).filter((e) => e.kind === "reopened").map((e) => e.ts));
    const shown = (c.timeline || []).filter((e) => !(e.kind === "reopened_by_customer" && reopenedAt.has(e.ts)));
    // Rows have no id: one is known by what it says (the same row twice by its count), and an
    // unchanged row keeps its element, as a message does (redrawKeyed).
    const times = new Map();
    redrawKeyed($("timeline"), shown.slice().reverse().map((event) => {
      const said = JSON.stringify([event.ts, event.kind, event.actor, event.detail]);
      const count = (times.get(said) || 0) + 1;
      times.set(said, count);
      // who "我" is and the names read at sign-in are drawn into it, as is the conversation's own id
      return { key: `${said}#${count}`, drawn: `${state.referenceRead}:${state.conversationId}`, draw: () => timelineItem(event) };
    }));
    // The newest entries come first; a long timeline (a customer writing on after the hand-off)
    // shows older ones a page at a time.
    const earlier = $("earlier-timeline");
    earlier.hidden = !c.earlier_timeline;
    earlier.textContent = T("显示更早的记录（还有 {0} 条）", c.earlier_timeline || 0);
  }

  function timelineItem(event) {
    return el("li", { class: event.kind === "note" ? "note" : "" },
      el("span", { class: "muted", text: `${formatTime(event.ts)} · ${staffName(event.actor)}` }), el("br"),
      timelineText(event), otherConversationLink(event));
  }

  async function showEarlierTimeline() {
    state.timelineShown = (state.timelineShown || TIMELINE_PAGE) + TIMELINE_PAGE;
    await loadConversation();
  }

  // An appeal's rows name the conversation the customer wrote in, and the appealing chat's claim
  // the case's conversation: one click opens it.
  function otherConversationLink(event) {
    const detail = event.detail || {};
    const other = detail.conversation_id || detail.case_conversation_id;
    if (!other || other === state.conversationId) return null;
    return el("button", { type: "button", class: "link", text: T("打开会话 {0}", other), onclick: () => openConversation(other) });
  }

  function say(message, ok) {
    const box = $("conversation-message");
    if (!box) return;
    box.className = ok ? "muted" : "error";
    box.textContent = message;
    // On a phone the line is at the top of the conversation, off the screen when the agent taps
    // a control below: then the same words show in a toast at the bottom of the screen.
    const toast = $("toast");
    clearTimeout(say.timer);
    if (!message) { toast.hidden = true; return; }
    const at = box.getBoundingClientRect();
    if (at.top >= 0 && at.bottom <= window.innerHeight && at.height > 0) { toast.hidden = true; return; }
    toast.className = ok ? "toast" : "toast error";
    toast.textContent = message;
    toast.hidden = false;
    say.timer = setTimeout(() => { toast.hidden = true; }, 4000);
  }

  // A reply being typed is kept per conversation (this tab's sessionStorage), so that looking at
  // another conversation and coming back finds it again.
  const draftKey = (id) => `reply-draft:${id}`;
  function draftOf(id) {
    try { return sessionStorage.getItem(draftKey(id)) || ""; } catch (error) { return ""; }
  }
  function keepDraft() {
    const box = $("reply-text");
    if (!box || !state.conversationId) return;
    try {
      if (box.value) sessionStorage.setItem(draftKey(state.conversationId), box.value);
      else sessionStorage.removeItem(draftKey(state.conversationId));
    } catch (error) { /* storage full or off: the draft lives as long as the page shows it */ }
  }

  // overridden: the phrases the guard showed, which 仍然发送 names (the server checks the text again).
  async function sendReply(overridden) {
    const box = $("reply-text");
    const text = box.value.trim();
    // 发送 on an empty box says why nothing went, rather than seeming not to work
    if (!text) { box.focus(); say(T("请先输入回复内容")); return; }
    const body = overridden ? { text, override: true, forbidden: overridden } : { text };
    const sentTo = state.conversationId;
    const result = await api("POST", `/api/conversations/${sentTo}/messages`, body);
    const guard = $("guard");
    if (result.status === 422 && result.data.forbidden) {
      showGuard(result.data, text);
      return;
    }
    guard.hidden = true;
    if (result.status === 0) {
      // Offline: the reply stays in the box; the words go once the console is back online.
      state.unsentSaid = T("网络错误，回复未发送，已保留在输入框");
      say(state.unsentSaid);
      return;
    }
    if (!result.ok) {
      say(Staff.errorText(result, T("发送失败（{0}）", result.status)));
      return;
    }
    // Resolving right after this reply must not warn that nobody has answered the customer yet,
    // whether or not the conversation has been loaded again by then.
    if (state.conversation?.id === sentTo) state.conversation.staff_replied = true;
    // The agent may have typed the next reply while this one was on its way: keep that.
    if (box.value.trim() === text) box.value = "";
    keepDraft();
    // The reply's own row shows whether it was sent (待发送 → 已发送 beside its time): no stray line.
    say("");
    state.followNewest = true;
    loadConversation();
  }

  // An expression takes the place of the forbidden words alone: the agent's other words and
  // punctuation stay theirs ("您应该去找自来水公司问问" keeps 自来水公司). Where it meets the
  // agent's words, a comma keeps two sentences from running together, and an expression ending its
  // own sentence ("…好吗？") keeps its mark rather than a comma after it.
  const PART_END = /[，,。.！!？?；;：:、\n]/;
  const CLOSING_MARK = /[。.！!？?；;]$/;
  const CJK = /[\u3000-\u9fff\uff00-\uffef]/;

  // Where the flagged words of one suggestion stand in the text as it is now (an earlier suggestion
  // may have changed it): where the server said while the text is the one it checked, else where
  // those words stand now; null when they cannot be found.
  function flaggedWords(text, each, checked) {
    const at = text.indexOf(checked);
    const words = each.span ? checked.slice(each.span[0], each.span[1]) : each.forbidden;
    if (each.span && at >= 0 && text.trim() === checked) return [at + each.span[0], at + each.span[1]];
    for (const found of [words, each.forbidden]) {
      const start = text.indexOf(found);
      if (found && start >= 0) return [start, start + found.length];
    }
    return null;
  }

  // The comma between two pieces of text: a full-width one beside Chinese, else ", ".
  function comma(beside) {
    return CJK.test(beside) ? "，" : ", ";
  }

  // ``suggestion`` put in place of text[start, end), joined to the words before and after it.
  function replaced(text, start, end, suggestion) {
    let before = text.slice(0, start);
    let after = text.slice(end);
    let inserted = suggestion;
    const last = before.trimEnd().slice(-1);
    if (last && !PART_END.test(last)) inserted = comma(last) + inserted;
    else if (last) before = before.trimEnd() + (CJK.test(last) || !before.trim() ? "" : " ");
    const next = after.trimStart();
    if (CLOSING_MARK.test(suggestion)) {
      // its own mark ends the sentence: a comma or full stop after it would be a second one
      const rest = next.replace(/^[，,。.！!？?；;：:、\s]+/, "");
      after = rest ? (CJK.test(suggestion.slice(-1)) ? "" : " ") + rest : "";
    } else if (next && !PART_END.test(next[0])) {
      after = comma(next[0]) + next;
    }
    return { text: before + inserted + after, caret: before.length + inserted.length };
  }

  // The forbidden words taken out of text[start, end) for an expression already in the text, with
  // a comma left alone on either side ("这是我们的责任，您应该去找物业问" reads "…责任，物业问").
  function removed(text, start, end) {
    let from = start;
    let to = end;
    const before = text.slice(0, from).trimEnd();
    const after = text.slice(to).trimStart();
    if (!after || PART_END.test(after[0])) {
      from = before.length;
      if (before && PART_END.test(before.slice(-1)) && (!after || PART_END.test(after[0]))) from -= 1;
    }
    return text.slice(0, from) + text.slice(to);
  }

  // One expression in place of its first phrase; the other phrases flagged with the same expression
  // go ("这不是我们的责任，您应该去找物业": one 这是我们的责任, not two). When none can be found, the
  // expression takes the whole text's place.
  function useSuggestion(group, checked) {
    const box = $("reply-text");
    const [first, ...same] = group;
    const suggestion = first.suggestion;
    const words = flaggedWords(box.value, first, checked);
    if (!words) {
      if (box.value.trim() === checked || !box.value.trim()) box.value = suggestion;
      box.setSelectionRange(box.value.length, box.value.length);
      box.focus();
      keepDraft();
      return;
    }
    const put = replaced(box.value, words[0], words[1], suggestion);
    let text = put.text;
    let caret = put.caret;
    for (const each of same) {
      const words = [each.span ? checked.slice(each.span[0], each.span[1]) : "", each.forbidden];
      const tail = text.slice(caret);
      const head = text.slice(0, caret - suggestion.length);
      const inTail = words.find((w) => w && tail.includes(w));
      const inHead = words.find((w) => w && head.includes(w));
      if (inTail) {
        const at = tail.indexOf(inTail);
        text = text.slice(0, caret) + removed(tail, at, at + inTail.length);
      } else if (inHead) {
        const at = head.indexOf(inHead);
        const shorter = removed(head, at, at + inHead.length);
        text = shorter + text.slice(head.length);
        caret -= head.length - shorter.length;
      }
    }
    box.value = text;
    box.setSelectionRange(caret, caret);
    box.focus();
    keepDraft();
  }

  function showGuard(data, checked) {
    const guard = $("guard");
    guard.hidden = false;
    let phrases = data.forbidden_all && data.forbidden_all.length ? data.forbidden_all : [data.forbidden];
    const suggestions = data.suggestions && data.suggestions.length ? data.suggestions
      : [{ forbidden: data.forbidden, suggestion: data.suggestion, span: data.span }];
    // One button per expression, in the order first flagged.
    const groups = [];
    for (const each of suggestions) {
      const group = groups.find((g) => g[0].suggestion === each.suggestion);
      if (group) group.push(each);
      else groups.push([each]);
    }
    let left = groups.length;
    // the page's own quotation marks: 「我不知道」, “I don't know” in English
    const quoted = (text) => T("「{0}」", text);
    const between = StaffI18n.locale === "en" ? ", " : "";
    const flagged = el("strong", { class: "forbidden", text: phrases.map(quoted).join(between) });
    clear(guard, el("div", { class: "guard", role: "alert" },
      el("div", {}, T("回复中含有服务忌语"), flagged),
      // The rules' hits are the managers' list; the model's are an opinion the agent weighs.
      data.by === "model"
        ? el("div", { class: "guard-by muted", text: T("模型判断，请自行斟酌") })
        : null,
      el("div", {}, T("建议改为"), groups.map((group) => el("span", { class: "suggestion", text: quoted(group[0].suggestion) }))),
      el("div", { class: "actions" },
        groups.map((group, i) => el("button", { type: "button", id: i ? `guard-use-${i}` : "guard-use",
          text: groups.length > 1 ? T("插入建议「{0}」", group[0].suggestion) : T("插入建议"),
          onclick: (event) => {
            useSuggestion(group, checked);
            event.target.remove();
            // what is still flagged: the phrases this expression replaced are gone from the text
            const replaced = new Set(group.map((each) => each.forbidden));
            phrases = phrases.filter((p) => !replaced.has(p));
            flagged.textContent = phrases.map(quoted).join(between);
            if (!--left) guard.hidden = true;
          } })),
        data.can_override
          ? el("button", { type: "button", id: "guard-override", class: "danger", text: T("仍然发送"),
            onclick: () => {
              // only the text the warning was about: an edited one is checked again first
              if ($("reply-text").value.trim() !== checked) { guard.hidden = true; sendReply(null); return; }
              sendReply(phrases);
            } })
          : el("span", { class: "muted", text: T("管理员已设置为禁止发送") }))));
  }

  async function addNote() {
    const input = $("note-text");
    const text = input.value.trim();
    if (!text) { input.focus(); say(T("请先填写备注内容")); return; }
    const result = await api("POST", `/api/conversations/${state.conversationId}/notes`, { text });
    if (!result.ok) { say(Staff.errorText(result, T("备注失败（{0}）", result.status))); return; }
    input.value = "";
    say(T("备注已保存（客户看不到）"), true);
    loadConversation();
  }

  function emptyQueue(text) {
    return state.transferTargets.queues.find((q) => (q.id === text || q.name === text) && !q.members) || null;
  }

  async function transfer() {
    const mode = $("transfer-mode").value;
    const typed = $("transfer-target").value.trim();
    // a whole line of the picker ("李娜（agent2）· 客服 · …") names its username
    const target = mode === "username" ? (typed.match(/\(([^()\s]+)\)/) || [])[1] || typed : typed;
    if (!target) { say(T("请填写转交对象")); return; }
    // Asked before the move, while the case is still the agent's: nobody may take it from there.
    const empty = mode === "queue" && emptyQueue(target);
    if (empty && !confirm(T("「{0}」目前没有成员客服，转过去可能无人认领。仍要转交吗？", empty.name || empty.id))) return;
    const result = await api("POST", `/api/conversations/${state.conversationId}/transfer`, { [mode]: target });
    if (!result.ok) { say(Staff.errorText(result, T("转交失败（{0}）", result.status))); return; }
    const owner = result.data.owner || "";
    const to = owner.startsWith("queue:") ? queueName(owner.slice(6)) : staffName(owner);
    if (result.data.queue_members === 0) say(T("已转交给 {0}；注意：该队列目前没有成员客服，可能无人认领。", to));
    else say(T("已转交给 {0}", to), true);
    loadConversation();
    loadQueue();
  }

  async function resolve() {
    const summary = $("resolve-summary").value.trim();
    if (!summary) { say(T("请填写处理结果摘要")); return; }
    const chosen = await resolveConfirmed(summary);
    if (!chosen) return;
    const body = chosen === true ? { summary } : { summary, case_numbers: chosen };
    const result = await api("POST", `/api/conversations/${state.conversationId}/resolve`, body);
    // The customer reads the summary with the callback: a forbidden phrase is refused, as in a reply.
    if (result.status === 422 && result.data.forbidden) {
      say(T("含有服务忌语「{0}」，请改用：{1}", result.data.forbidden, result.data.suggestion));
      $("resolve-summary").focus();
      return;
    }
    if (!result.ok) { say(Staff.errorText(result, T("操作失败（{0}）", result.status))); return; }
    $("resolve-summary").value = "";
    $("guard").hidden = true;
    const stillOpen = result.data.still_open || [];
    say(stillOpen.length ? T("已标记 {0} 为已解决；{1} 仍在处理", StaffI18n.list(result.data.case_numbers), StaffI18n.list(stillOpen))
      : T("已标记为已解决"), true);
    loadMine();
    loadConversation();
  }

  // Resolving has no undo here: the agent confirms it, warned when no one on the staff has written
  // to the customer yet (GET /api/conversations/{id} staff_replied). With two open cases the agent
  // ticks which (all ticked at first). Resolves to false (cancelled), true (the one case, or all
  // of them) or the case numbers ticked.
  // The customer reads the summary as written: one not in their language is pointed out before it goes.
  function summaryInAnotherLanguage(summary) {
    const chinese = /[\u3400-\u9fff]/.test(summary);
    const englishWords = (summary.match(/[A-Za-z]{2,}/g) || []).length;
    return conversationLocale().startsWith("zh") ? !chinese && englishWords >= 2 : chinese && englishWords < 2;
  }

  function resolveConfirmed(summary) {
    $("resolve-dialog")?.remove();
    const unanswered = Boolean(state.conversation) && !state.conversation.staff_replied;
    const foreign = summaryInAnotherLanguage(summary);
    const warned = unanswered || foreign;
    const open = openCases();
    const boxes = open.length < 2 ? [] : open.map((k) => el("input", { type: "checkbox", checked: true, value: k.case_number,
      id: `resolve-case-${k.case_number}` }));
    const ticked = () => boxes.filter((box) => box.checked).map((box) => box.value);
    return new Promise((answer) => {
      const confirm = el("button", { type: "button", id: "resolve-confirm", class: warned ? "danger" : "primary",
        text: warned ? T("仍然标记已解决") : T("标记已解决"), onclick: () => dialog.close("yes") });
      const told = el("p", { id: "resolve-summary-told", class: "muted", text: T("回访时客户会收到这段摘要，请用对客户说的话填写。") });
      const retell = () => {
        const some = ticked().length < boxes.length;
        confirm.disabled = boxes.length > 0 && !ticked().length;
        told.textContent = some ? T("客户会立即收到：该投诉已处理完毕及这段摘要；其他投诉仍在处理，回访等全部解决后再做。")
          : T("回访时客户会收到这段摘要，请用对客户说的话填写。");
      };
      for (const box of boxes) box.addEventListener("change", retell);
      const dialog = el("dialog", { id: "resolve-dialog", class: "canned-dialog", "aria-labelledby": "resolve-dialog-title" },
        el("h2", { id: "resolve-dialog-title", text: T("确定将会话 {0} 标记为已解决？", state.conversationId) }),
        boxes.length
          ? el("fieldset", { id: "resolve-cases", class: "resolve-cases" }, el("legend", { text: T("该会话有 {0} 个投诉在处理，请勾选要标记已解决的：", open.length) }),
            ...open.map((k, i) => el("label", { for: boxes[i].id, class: "resolve-case" }, boxes[i],
              el("span", { class: "case-number", text: k.case_number }), ` · ${[categoryName(k.category), k.area].filter(Boolean).join(" · ")}`,
              k.deadline_at ? el("span", { class: "muted", text: ` · ${T("时限 {0}", formatTime(k.deadline_at))}` }) : null)))
          : null,
        unanswered
          ? el("p", { id: "resolve-unanswered", class: "notice bad", role: "alert",
            text: T("还没有任何客服回复过这位客户：客户尚未得到人工答复。") })
          : null,
        el("dl", { class: "form" }, el("dt", { text: T("处理结果摘要") }), el("dd", { text: summary })),
        foreign
          ? el("p", { id: "resolve-language", class: "notice bad", role: "alert",
            text: conversationLocale().startsWith("zh") ? T("这位客户用中文沟通，但摘要不是中文：客户会原样收到这段摘要。")
              : T("这位客户用英文沟通，但摘要是中文：客户会原样收到这段摘要。") })
          : null,
        told,
        el("p", { class: "muted", text: T("标记后可用「重新打开…」撤销；客户再次来信时也会重新进入队列。") }),
        el("div", { class: "composer-row" },
          el("span", { class: "spacer" }),
          el("button", { type: "button", id: "resolve-cancel", text: T("取消"), onclick: () => dialog.close("") }),
          confirm));
      dialog.addEventListener("close", () => {
        const yes = dialog.returnValue === "yes";
        answer(!yes ? false : boxes.length ? ticked() : true);
        dialog.remove();
      });
      document.body.append(dialog);
      dialog.showModal();
      // Enter confirms; but with nobody having answered the customer, the safe 取消 comes first.
      $(warned ? "resolve-cancel" : "resolve-confirm").focus();
    });
  }

  // 重新打开 (a case resolved by mistake, or the customer says by phone it is not): the reason is
  // asked for in a dialog; the customer is told the new reply time and the pending callback is off.
  async function reopen() {
    const conversationId = state.conversationId;
    const reason = await reopenReason();
    if (reason === null) return;
    const result = await api("POST", `/api/conversations/${conversationId}/reopen`, { reason });
    if (!result.ok) { say(Staff.errorText(result, T("操作失败（{0}）", result.status))); return; }
    say(result.data.deadline_at ? T("已重新打开，新的答复时限 {0}", formatTime(result.data.deadline_at)) : T("已重新打开"), true);
    loadMine();
    loadConversation();
  }

  // Resolves to the reason typed, or null when the dialog is cancelled.
  function reopenReason() {
    $("reopen-dialog")?.remove();
    const lead = state.me.role !== "agent";
    return new Promise((answer) => {
      const reason = el("textarea", { id: "reopen-reason", rows: 3, maxlength: 2000, class: "wide",
        placeholder: T("重新打开的原因（必填，不会发给客户）") });
      const error = el("p", { id: "reopen-error", class: "error", role: "alert", hidden: true });
      const confirm = () => {
        if (!reason.value.trim()) {
          error.textContent = T("请填写重新打开的原因");
          error.hidden = false;
          reason.focus();
          return;
        }
        dialog.close("yes");
      };
      const dialog = el("dialog", { id: "reopen-dialog", class: "canned-dialog", "aria-labelledby": "reopen-dialog-title" },
        el("h2", { id: "reopen-dialog-title", text: T("重新打开会话 {0} 的投诉？", state.conversationId) }),
        el("label", { for: "reopen-reason", text: T("原因") }), reason, error,
        el("p", { id: "reopen-told", class: "muted",
          text: T("客户会收到一条消息，告知我们会继续跟进及新的答复时限；尚未进行的回访将取消。") }),
        el("p", { id: "reopen-owner", class: "muted",
          text: lead ? T("重新打开后交回原处理人；其账号已停用时由您处理。") : T("重新打开后由您继续处理。") }),
        el("div", { class: "composer-row" },
          el("span", { class: "spacer" }),
          el("button", { type: "button", id: "reopen-cancel", text: T("取消"), onclick: () => dialog.close("") }),
          el("button", { type: "button", id: "reopen-confirm", class: "primary", text: T("确认重新打开"), onclick: confirm })));
      reason.addEventListener("input", () => { error.hidden = true; });
      dialog.addEventListener("close", () => { answer(dialog.returnValue === "yes" ? reason.value.trim() : null); dialog.remove(); });
      document.body.append(dialog);
      dialog.showModal();
      reason.focus();
    });
  }

  async function confirmResolved() {
    const result = await api("POST", `/api/conversations/${state.conversationId}/confirm-resolved`, {});
    if (result.status === 404 && !result.data.error?.includes("conversation")) {
      say(T("“客户确认已解决”暂不可用"));
      return;
    }
    if (!result.ok) { say(Staff.errorText(result, T("操作失败（{0}）", result.status))); return; }
    say(T("已记录：客户确认已解决"), true);
    loadConversation();
  }

  // 延长 first shows what will happen (the new time, and the message the customer is sent at
  // once, as the standards want them told); only 确认 extends.
  async function previewExtension() {
    const input = $("extend-hours");
    const hours = Number(input.value);
    const reason = $("extend-reason").value.trim();
    const box = $("extend-preview");
    $("extend-error").hidden = true;
    if (!reason) { say(T("请填写延长原因")); return; }
    const wrong = hoursProblem(input);
    if (wrong) { box.hidden = true; extensionRefused({ data: wrong }); return; }
    const picked = extensionCase();
    const about = picked ? `&case=${encodeURIComponent(picked.case_number)}` : "";
    const result = await api("GET", `/api/conversations/${state.conversationId}/extend?hours=${encodeURIComponent(hours)}${about}`);
    if (!result.ok) { box.hidden = true; extensionRefused(result); return; }
    const p = result.data;
    $("extend-unit").textContent = clockUnit(p.clock);
    clear(box,
      el("div", { id: "extend-new-deadline" }, picked ? el("strong", { class: "case-number", text: `${p.case_number} ` }) : null,
        T("新时限：{0}", formatTime(p.deadline_at)),
        el("span", { class: "muted", text: ` (${T("原时限：{0}", formatTime(p.previous_deadline_at))})` })),
      extensionTold(p),
      el("div", { class: "actions" },
        el("button", { type: "button", id: "extend-confirm", class: "primary", text: T("确认延长并告知客户"),
          onclick: () => extend(hours, reason, picked ? p.case_number : null) }),
        el("button", { type: "button", id: "extend-cancel", text: T("取消"), onclick: () => { box.hidden = true; } })));
    box.hidden = false;
    // the deadline the preview changes stays in sight under it
    const deadline = [...document.querySelectorAll("#complaint dt")].find((dt) => dt.textContent === T("答复时限"));
    if (deadline) (deadline.nextElementSibling || deadline).scrollIntoView({ block: "nearest" });
  }

  // The hours typed, checked as the API checks them (coded alike, so said alike): null when fine.
  function hoursProblem(input) {
    const hours = Number(input.value);
    if (input.value.trim() === "" || !Number.isFinite(hours)) return { code: "float_parsing", field: "hours" };
    if (hours < Number(input.min)) return { code: "greater_than_equal", field: "hours", limit: Number(input.min) };
    if (hours > Number(input.max)) return { code: "less_than_equal", field: "hours", limit: Number(input.max) };
    return null;
  }

  // A refused extension in the console's language, beside the hours it is about (the field named
  // as the form names it, the limit in the unit its hours count in).
  function extensionRefused(result) {
    const hours = { name: T("延长时限"), amount: (n) => `${n}${$("extend-unit").textContent}` };
    const text = Staff.errorText(result, T("操作失败（{0}）", result.status), (field) => (field === "hours" ? hours : null));
    if (result.data?.field !== "hours") { say(text); return; }
    const error = $("extend-error");
    error.textContent = text;
    error.hidden = false;
    $("extend-hours").focus();
  }

  // Who is sent the new time and what each reads: the case's own conversation, and the chat the
  // customer appealed it from when that is another one.
  function extensionTold(p) {
    const told = p.told?.length ? p.told : [{ conversation_id: state.conversationId, channel: state.conversation?.channel, message: p.message }];
    return el("div", { id: "extend-told" }, told.map((t, index) => {
      const whom = t.appealed_from ? T("客户申诉所在的会话 {0}（{1}）", t.conversation_id, label("channel", t.channel))
        : t.conversation_id === state.conversationId ? T("本会话 {0}（{1}）", t.conversation_id, label("channel", t.channel))
          : T("投诉所在的会话 {0}（{1}）", t.conversation_id, label("channel", t.channel));
      return el("div", { class: "extend-told", "data-conversation": String(t.conversation_id) },
        el("div", { class: "muted extend-told-to", text: T("将立即发给{0}：", whom) }),
        el("blockquote", { id: index === 0 ? "extend-message" : null, class: "extend-message", text: t.message }));
    }));
  }

  async function extend(hours, reason, caseNumber) {
    $("extend-preview").hidden = true;
    const body = caseNumber ? { hours, reason, case_number: caseNumber } : { hours, reason };
    const result = await api("POST", `/api/conversations/${state.conversationId}/extend`, body);
    if (result.status === 404 && !result.data.error?.includes("conversation")) {
      say(T("延长时限暂不可用"));
      return;
    }
    if (!result.ok) { extensionRefused(result); return; }
    // Done: an emptied form does not invite a second extension by accident.
    $("extend-hours").value = "";
    $("extend-reason").value = "";
    say(caseNumber ? T("{0} 新时限 {1}", caseNumber, formatTime(result.data.deadline_at)) : T("新时限 {0}", formatTime(result.data.deadline_at)), true);
    loadConversation();
  }

  // ---------------------------------------------------------------- notifications

  // Urgent first: danger now or priority 0 (P0), unread; then the other unread; the read last.
  // The other "需主管关注" notices (not P0, e.g. every case after hours) fold into one line, so a
  // trapped-in-a-lift alert is never buried under them.
  // One whose state no longer holds (its ticket claimed, its case resolved: `handled`) is urgent no more.
  // An appeal (申诉) is the duty supervisor's P0 whatever its detail says (standards §5).
  function urgentNotice(n) {
    return !n.handled && (n.kind === "appeal" || n.detail?.priority === 0 || (n.case?.signals || []).some((s) => s === "danger" || s === "self_harm"));
  }

  function routineNotice(n) {
    return !n.read && n.kind === "rule_supervisor" && !urgentNotice(n);
  }

  // The repeats of one alert (a ticket still unclaimed, a threat no supervisor has read: detail
  // `alert` 2, 3…) are one card, its count and newest time brought up to date, not a card each.
  function alertThread(n) {
    if (n.kind === "pickup_overdue" && n.ticket_id != null) return `pickup_overdue:${n.ticket_id}:${n.detail?.queue ?? ""}`;
    if ((n.kind === "supervisor_told" || n.kind === "another_danger") && n.conversation_id != null) {
      const { alert, ...told } = n.detail || {};  // an alert again carries the notice's own detail
      return `${n.kind}:${n.conversation_id}:${JSON.stringify(told)}`;
    }
    return `notice:${n.id}`;
  }

  // Notices (newest first) as cards: a card is its newest notice, with every notice of its thread;
  // unread while any of them is, urgent while an unread one is.
  function noticeCards(items) {
    const cards = new Map();
    for (const n of items) {
      const key = alertThread(n);
      const card = cards.get(key);
      if (card) {
        card.all.push(n);
        card.read = card.read && n.read;
      } else {
        cards.set(key, { ...n, all: [n] });
      }
    }
    return [...cards.values()];
  }

  // A card of several alerts: how many (since when, on hover); its head's time is the newest one's.
  function noticeRepeats(n) {
    const count = Math.max(n.all.length, n.all[0].detail?.alert || 1);
    if (count < 2) return null;
    return el("span", { class: "badge notification-repeats", title: T("首次 {0}", formatTime(n.all[n.all.length - 1].created_at)), text: T("已提醒{0}次", count) });
  }

  function notificationItem(n) {
    const urgent = !n.read && urgentNotice(n);
    const detail = n.all.length > 1 || n.detail?.alert ? { ...n.detail, alert: null } : n.detail;  // the count says it
    return el("li", { class: [n.read ? "muted" : "", urgent ? "urgent" : ""].filter(Boolean).join(" "), "data-kind": n.kind, "data-notice": n.id },
      el("div", { class: "ticket-head" },
        el("strong", { class: "notification-kind", text: NOTIFICATION_NAMES[n.kind] || n.kind }),
        urgent ? el("span", { class: "badge p0", title: PRIORITY_NAMES[0], text: T("紧急") }) : null,
        n.handled && !n.read ? el("span", { class: "badge notice-handled", text: T("已处理") }) : null,
        noticeRepeats(n),
        el("span", { class: "muted", text: formatTime(n.created_at) })),
      n.case ? el("div", { class: "notification-case", title: caseText(n.case), text: caseText(n.case) }) : null,
      detail && Object.keys(detail).length && notificationDetail(detail, n.case)
        ? el("div", { class: "muted notification-detail", title: notificationDetail(detail, n.case), text: notificationDetail(detail, n.case) }) : null,
      el("div", { class: "actions" },
        n.conversation_id ? el("button", { type: "button", text: T("打开会话 {0}", n.conversation_id), onclick: () => openConversation(n.conversation_id) }) : null,
        n.read ? null : el("button", { type: "button", text: T("标为已读"), onclick: async () => {
          await Promise.all(n.all.filter((one) => !one.read).map((one) => api("POST", `/api/notifications/${one.id}/read`, {})));
          loadNotifications();
        } })));
  }

  const notificationLoads = Staff.loads();

  async function loadNotifications() {
    const box = $("notifications");
    const load = notificationLoads.start();
    const result = await api("GET", "/api/notifications");
    if (!notificationLoads.fresh(load)) return;
    if (result.status === 404) { clear(box, unavailable(T("通知"))); return; }
    if (!result.ok) { clear(box, el("p", { class: "error", text: Staff.errorText(result, T("通知加载失败")) })); return; }
    const notices = result.data.notifications || [];
    noticeHandedToMe(notices);
    const items = noticeCards(notices);
    state.notifications = items;
    const unread = items.filter((n) => !n.read);
    $("notifications-unread").hidden = !unread.length;
    $("notifications-unread").textContent = T("{0} 条未读", unread.length);
    $("notifications-read-all").hidden = !unread.length;
    if (!items.length) { clear(box, el("p", { class: "muted", text: T("暂无通知") })); return; }
    const routine = items.filter(routineNotice);
    const folded = routine.length > 1 && !state.showRoutine;
    const rank = (n) => (n.read ? 3 : urgentNotice(n) ? 0 : routineNotice(n) || n.handled ? 2 : 1);
    const shown = items.filter((n) => !folded || !routineNotice(n))
      .map((n, index) => [n, index]).sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j).map(([n]) => n);
    const rows = shown.map(notificationItem);
    if (folded) {
      const at = shown.findIndex((n) => n.read);
      rows.splice(at < 0 ? rows.length : at, 0, el("li", { class: "routine-group" },
        el("div", { class: "ticket-head" },
          el("strong", { class: "notification-kind", text: NOTIFICATION_NAMES.rule_supervisor }),
          el("span", { class: "muted", text: formatTime(routine[0].created_at) })),
        el("div", { text: T("另有 {0} 个常规案件（非紧急）需主管关注", routine.length) }),
        el("div", { class: "actions" },
          el("button", { type: "button", text: T("展开"), onclick: () => { state.showRoutine = true; loadNotifications(); } }))));
    }
    keepingFocus(box, () => clear(box, el("ol", { class: "list notification-list" }, rows)));
    keepCardsInSight();  // the queue leaves the notices the room they take
  }

  async function readAllNotifications() {
    // an urgent (P0) notice is not cleared by a click meant for the routine ones
    const urgent = (state.notifications || []).filter((n) => !n.read && urgentNotice(n)).length;
    if (urgent && !confirm(T("有 {0} 条紧急通知未读，确定全部标为已读？", urgent))) return;
    const result = await api("POST", "/api/notifications/read-all", {});
    if (!result.ok) say(Staff.errorText(result, T("操作失败（{0}）", result.status)));
    loadNotifications();
  }

  // What the case is about: "TS… · 工程维修 · 「电梯坏了一个星期」".
  function caseText(c) {
    return [c.case_number, categoryName(c.category), c.words ? `「${c.words}」` : null].filter(Boolean).join(" · ");
  }

  // A colleague named in a notice by username: shown by their display name (王主管) when they have one.
  function personNamed(username) {
    const user = state.users.find((u) => u.username === username);
    return (user && user.display_name) || username;
  }

  function notificationDetail(detail, about) {
    // A case taken from me, or its deadline moved: said as a sentence.
    if (detail.how === "appeal") return T("{0} 认领了客户申诉，已接手该投诉", personNamed(detail.by));
    if (detail.how === "transfer") return T("{0} 已将该会话转交给 {1}", personNamed(detail.by), ownerName(detail.to));
    if (detail.how === "reopened") {
      return [T("{0} 重新打开了该投诉", personNamed(detail.by)), detail.why ? T("原因：{0}", detail.why) : null].filter(Boolean).join(" · ");
    }
    if (detail.by && detail.deadline_at) {
      return [T("{0} 将答复时限延长至 {1}", personNamed(detail.by), formatTime(detail.deadline_at)), detail.why ? T("原因：{0}", detail.why) : null].filter(Boolean).join(" · ");
    }
    const value = (key, v) => {
      if (key === "category") return categoryName(v);
      if (key === "problem") return (state.problems || {})[v] || v;
      if (key === "tier") return label("tier", v);
      if (key === "queue") return queueName(v);
      if (key === "reason") return label("reason", v);
      if (key === "channel") return label("channel", v);
      if (key === "owner") return ownerName(v);
      if (key === "signals" && Array.isArray(v)) return StaffI18n.list(v.map((signal) => label("signal", signal)));
      if (key === "username") return personNamed(v);
      if (key === "priority") return `P${v}`;
      if (key === "window_hours") return T("{0}小时", v);
      if (key.endsWith("_at")) return formatTime(v);
      if (Array.isArray(v)) return StaffI18n.list(v);
      return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
    };
    // "原因：转交" says nothing the notice's title does not: a transfer names only who handed it over
    // an empty list ("信号：" for a leader asked for with no threat) says nothing: no label for it
    const shown = (key, v) => !DETAIL_HIDDEN.has(key) && v !== null && v !== ""
      && !(Array.isArray(v) && v.length === 0)
      && !(key === "reason" && v === "transfer" && detail.username)
      && !(key === "case_number" && about?.case_number === v);  // the case line names it already
    // The long list of matched rule names goes last, after what the person acts on.
    return Object.entries(detail).filter(([key, v]) => shown(key, v))
      .sort(([a], [b]) => (a === "rules") - (b === "rules"))
      .map(([key, v]) => {
        if (DETAIL_SENTENCES[key]) return DETAIL_SENTENCES[key](v);
        const name = key === "username" && detail.reason === "transfer" ? T("转交人") : DETAIL_NAMES[key] || key;
        return `${name}: ${value(key, v)}`;
      }).join(" · ");
  }

  // ---------------------------------------------------------------- desktop alerts

  // A new waiting customer, or a customer's reply while the page is in the background: a desktop
  // notification (once the agent allowed them) and a short tone.
  const alerts = { seenTickets: null, lastCustomer: {} };

  function renderAlertsButton() {
    const button = $("alerts");
    if (!("Notification" in window)) { button.hidden = true; return; }
    button.hidden = false;
    const permission = Notification.permission;
    button.dataset.permission = permission;
    button.disabled = permission !== "default";
    button.textContent = permission === "granted" ? T("桌面通知已开启") : permission === "denied" ? T("桌面通知已被浏览器阻止") : T("开启桌面通知");
  }

  $("alerts").addEventListener("click", async () => {
    try { await Notification.requestPermission(); } catch (error) { /* old browsers: callback form, ignored */ }
    renderAlertsButton();
  });

  function tone() {
    try {
      const audio = new (window.AudioContext || window.webkitAudioContext)();
      const beep = audio.createOscillator();
      const gain = audio.createGain();
      gain.gain.value = 0.08;
      beep.frequency.value = 880;
      beep.connect(gain).connect(audio.destination);
      beep.start();
      beep.stop(audio.currentTime + 0.18);
    } catch (error) { /* no audio device */ }
  }

  // The desktop notices shown, each withdrawn (closed) once its conversation is handled: read here
  // (open in a page in sight), claimed by anyone (a waiting customer gone from the whole queue),
  // handed on or resolved (gone from my conversations), or its notice (转给您处理) read. ``until``
  // says which list tells that it was handled: "queue", "mine" or none (only reading it does).
  alerts.shown = [];

  function alertAgent(title, body, conversationId, until, notification) {
    tone();
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const notice = new Notification(title, { body: body || "", tag: `conversation-${conversationId}` });
    notice.onclick = () => { window.focus(); openConversation(conversationId); notice.close(); };
    alerts.shown.push({ notice, conversationId: Number(conversationId), until, notification, at: performance.now() });
  }

  function withdrawNotices(handled) {
    alerts.shown = alerts.shown.filter((one) => {
      if (!handled(one)) return true;
      one.notice.close();
      return false;
    });
  }

  function noticesRead() {
    if (state.conversationId && !document.hidden) withdrawNotices((one) => one.conversationId === state.conversationId);
  }
  document.addEventListener("visibilitychange", noticesRead);

  // Told by a list asked for at ``askedAt`` (a list asked for before the notice may not hold it yet).
  // The first page of a long queue leaves the rest unknown: only the whole queue tells.
  function withdrawClaimed(tickets, wholeQueue, askedAt) {
    if (!wholeQueue) return;
    const waiting = new Set(tickets.map((t) => Number(t.conversation_id)));
    withdrawNotices((one) => one.until === "queue" && one.at < askedAt && !waiting.has(one.conversationId));
  }

  function withdrawNotMine(askedAt) {
    const mine = new Set(state.mine.map((item) => Number(item.conversation_id)));
    withdrawNotices((one) => one.until === "mine" && one.at < askedAt && !mine.has(one.conversationId));
  }

  function noticeNewTickets(tickets) {
    const ids = new Set(tickets.map((t) => t.id));
    if (alerts.seenTickets) {
      for (const ticket of tickets) {
        if (!alerts.seenTickets.has(ticket.id)) {
          alertAgent(T("新的客户等待 · 会话 {0}", ticket.conversation_id), ticket.last_customer_message || label("reason", ticket.reason), ticket.conversation_id, "queue");
        }
      }
    }
    alerts.seenTickets = ids;
  }

  // A case a colleague (or the rules) handed to this agent: the tone and a desktop notice, once.
  function noticeHandedToMe(items) {
    const handed = items.filter((n) => n.kind === "routed_to_you" && !n.read && n.conversation_id);
    if (alerts.seenHanded) {
      for (const n of handed) {
        if (!alerts.seenHanded.has(n.id)) {
          alertAgent(T("转给您处理 · 会话 {0}", n.conversation_id),
            [n.case ? caseText(n.case) : null, notificationDetail(n.detail || {}, n.case)].filter(Boolean).join("\n"), n.conversation_id, "mine", n.id);
        }
      }
    }
    alerts.seenHanded = new Set([...(alerts.seenHanded || []), ...handed.map((n) => n.id)]);
    const read = new Set(items.filter((n) => n.read).map((n) => n.id));
    withdrawNotices((one) => one.notification !== undefined && read.has(one.notification));
  }

  // Waiting for a claim on a card of this console's queue (whose leaving it tells of the claim).
  function listedWaiting(c) {
    const waiting = claimable(c);
    return Boolean(waiting && alerts.seenTickets && alerts.seenTickets.has(waiting.ticket_id));
  }

  function noticeCustomerReply(c, firstRender) {
    const customerMessages = (c.messages || []).filter((m) => m.from === "customer");
    const last = customerMessages[customerMessages.length - 1];
    const before = alerts.lastCustomer[c.id];
    alerts.lastCustomer[c.id] = last ? last.id : 0;
    if (!firstRender && last && before !== undefined && last.id !== before && document.hidden) {
      alertAgent(T("客户回复 · 会话 {0}", c.id), last.text, c.id, c.owner === `agent:${state.me.id}` ? "mine" : listedWaiting(c) ? "queue" : null);
    }
  }

  // ---------------------------------------------------------------- search and shortcuts

  const MATCHED = { case_number: T("编号"), phone: T("电话"), place: T("地址"), text: T("内容") };
  // a mainland mobile, a landline with its area code, or a Hong Kong or Macau number
  const FULL_PHONE = /^(0{0,2}86)?1\d{10}$|^0\d{9,11}$|^(0{0,2}85[23])?[2-9]\d{7}$/;

  async function runSearch() {
    const q = $("search-q").value.trim();
    const box = $("search-results");
    box.hidden = false;
    if (q.length < 2) { clear(box, el("li", { class: "muted", text: T("至少输入2个字") })); return; }
    const result = await api("GET", `/api/search?q=${encodeURIComponent(q)}`);
    if (q !== $("search-q").value.trim()) return;
    if (!result.ok) { clear(box, el("li", { class: "error", text: Staff.errorText(result, T("搜索失败（{0}）", result.status)) })); return; }
    const hits = result.data.hits || [];
    // Under 3 characters the server read the newest messages only (and every case's fields): say so.
    const recent = result.data.recent_only
      ? el("li", { class: "muted search-recent", text: T("不足3个字只搜索最近的消息和工单，输入3个字以上可搜索全部记录。") }) : null;
    // An agent's search read only the newest messages holding the words (handoff.yaml
    // search.agent_candidates) and older ones were left: say so, and what finds an older case.
    const bounded = result.data.bounded
      ? el("li", { class: "muted search-bounded", text: T("只搜索了含这些字的最近消息，更早的会话可能没有列出：请多输入几个字，或按投诉编号、地址搜索。") }) : null;
    if (!hits.length) {
      // An agent sees others' phones masked, so a full number finds only their own cases: say so.
      const why = state.me.role === "agent" && FULL_PHONE.test(q.replace(/[\s()+-]/g, ""))
        ? el("li", { class: "muted search-phone-hint", text: T("完整号码只能在您接手或解决过的会话中搜索，其他会话可试后4位。") }) : null;
      clear(box, el("li", { class: "muted search-none", text: T("没有找到与「{0}」相符的会话", q) }), why, bounded, recent);
      return;
    }
    clear(box, hits.map((hit) => el("li", { "data-conversation": hit.conversation_id },
      el("button", { type: "button", class: "search-hit", onclick: () => { box.hidden = true; openConversation(hit.conversation_id); } },
        el("strong", { text: T("会话 {0}", hit.conversation_id) }),
        el("span", { class: "muted", text: [label("channel", hit.channel), hit.case_number, T("匹配{0}", MATCHED[hit.matched] || hit.matched),
          hit.ts ? formatTime(hit.ts) : null].filter(Boolean).join(" · ") }),
        hit.place ? el("span", { class: "search-place", text: T("地址：{0}", hit.place) }) : null,
        hit.text ? el("span", { class: "search-text", title: hit.text }, excerpt(hit.text, q)) : null))), bounded, recent);
  }

  // The words the query found, marked, in sight on the hit's one line: a long message is cut to
  // start a little before them ("…您的投诉编号是TS2026…").
  const EXCERPT_BEFORE = 12;
  function excerpt(text, q) {
    const at = text.toLowerCase().indexOf(q.toLowerCase());
    if (at < 0) return [text];
    const from = at > EXCERPT_BEFORE + 4 ? at - EXCERPT_BEFORE : 0;
    return [from ? `…${text.slice(from, at)}` : text.slice(0, at), el("mark", { text: text.slice(at, at + q.length) }), text.slice(at + q.length)];
  }

  // Enter searches at once; typing searches once the agent pauses (2 characters at least).
  const SEARCH_PAUSE_MS = 400;
  let searchTimer = null;
  $("search-form").addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(searchTimer); runSearch(); });
  $("search-q").addEventListener("input", () => {
    clearTimeout(searchTimer);
    if ($("search-q").value.trim().length < 2) { $("search-results").hidden = true; return; }
    searchTimer = setTimeout(runSearch, SEARCH_PAUSE_MS);
  });
  // The results close on Escape wherever the focus is (a result, the box) and on a click or a tap
  // anywhere else: on a phone they cover the conversation's "← 返回队列". Pointer events: a tap
  // sends no mousedown when the page scrolls or the browser reads it as a gesture.
  function closeSearch() {
    clearTimeout(searchTimer);
    $("search-results").hidden = true;
  }
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const inSearch = document.activeElement && document.activeElement.closest("#search-form");
    if ($("search-results").hidden && !inSearch) return;
    closeSearch();
    if (inSearch) document.activeElement.blur();
  });
  document.addEventListener("pointerdown", (event) => {
    if (!event.target.closest("#search-form")) closeSearch();
  });
  // "/" finds, Ctrl+Enter (⌘+Enter) sends the reply.
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement && document.activeElement.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      $("search-q").focus();
      $("search-q").select();
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.id === "reply-text") {
      // typed in the reply box itself: not a key that moved the cursor there (a phrase or suggestion inserted)
      event.preventDefault();
      sendReply(null);
    }
  });

  // ---------------------------------------------------------------- start

  async function loadReferenceData() {
    // The colleagues by name (every role may read them): who handles a case, whom to transfer to.
    const [phrases, users, queues, deadlines, targets] = await Promise.all([
      api("GET", "/api/phrases"), api("GET", "/api/colleagues"),
      api("GET", `/api/queues?locale=${StaffI18n.locale}`), api("GET", `/api/config/deadlines?locale=${StaffI18n.locale}`),
      api("GET", `/api/transfer-targets?locale=${StaffI18n.locale}`),
    ]);
    if (targets.ok) state.transferTargets = targets.data;
    state.categories = deadlines.ok ? Object.fromEntries((deadlines.data.categories || []).map((c) => [c.id, c.name || c.id])) : {};
    state.problems = deadlines.ok ? Object.fromEntries((deadlines.data.problems || []).map((p) => [p.id, p.name || p.id])) : {};
    if (deadlines.ok && deadlines.data.clock) state.clock = deadlines.data.clock;
    state.phrases = phrases.ok ? phrases.data : null;
    if (state.phrases) { state.phraseBooks[state.phrases.locale] = state.phrases; phraseBooksAt[state.phrases.locale] = Date.now(); }
    state.users = users.ok ? users.data.colleagues || [] : [];
    state.referenceRead = (state.referenceRead || 0) + 1;
    state.queues = queues.ok ? queues.data.queues || [] : [];
    await loadCanned();
  }

  const refreshQueue = Staff.throttle(loadQueue, 500);
  const refreshNotifications = Staff.throttle(loadNotifications, 1000);
  const refreshConversation = Staff.throttle(loadConversation, 300);
  const refreshMine = Staff.throttle(loadMine, 1000);

  function onEvent(frame) {
    if (window.consoleTyping) window.consoleTyping.onEvent(frame, state.conversationId);  // issue 15 (typing)
    // a claim or a resolution may settle what a notice tells of (no longer urgent)
    if (frame.type === "queue") { refreshQueue(); refreshMine(); refreshNotifications(); }
    else if (frame.type === "notification") { refreshNotifications(); refreshMine(); }
    else if (frame.type === "conversation" && (frame.conversation_ids || []).includes(state.conversationId)) { refreshConversation(); refreshMine(); }
    else if (frame.type === "conversation" && state.mine.some((item) => (frame.conversation_ids || []).includes(item.conversation_id))) refreshMine();
    // The server now tells of the conversations watched; what they got before that (while the list
    // was on its way, or since they were last fetched) was told to nobody: fetched again.
    else if (frame.type === "watching") {
      refreshMine();
      if ((frame.watching || []).includes(state.conversationId)) refreshConversation();
    }
  }

  // Back online: "回复未发送" no longer holds (the reply waits in the box to be sent again).
  function forgetUnsent() {
    if (state.unsentSaid && $("conversation-message")?.textContent === state.unsentSaid) say("");
    state.unsentSaid = null;
  }
  window.addEventListener("online", forgetUnsent);

  function onSocketState(live) {
    const badge = $("live");
    badge.dataset.state = live;
    badge.textContent = live === "live" ? T("实时") : T("离线，重连中…");
    if (live === "live") {
      forgetUnsent();
      loadQueue(); loadNotifications(); loadConversation(); loadMine();
    }
  }

  // A pasted #conversation=N link, or Back/Forward between conversations, opens that conversation.
  window.addEventListener("hashchange", () => {
    const fromHash = /conversation=(\d+)/.exec(location.hash);
    if (state.me && fromHash && Number(fromHash[1]) !== state.conversationId) openConversation(Number(fromHash[1]));
    else if (!fromHash) showView("queue");  // Back past the first conversation opened
  });

  $("logout").addEventListener("click", () => Staff.signOut());
  $("notifications-read-all").addEventListener("click", readAllNotifications);
  $("earlier-timeline").addEventListener("click", () => showEarlierTimeline());
  $("open-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = Number($("open-id").value);
    if (id > 0) openConversation(id);
  });

  Staff.boot(T("客服工作台 登录"), async (me) => {
    state.me = me;
    // signed in again (after signing out, or as someone else): nothing said before still stands
    say("");
    queueSay("");
    Staff.showWhoami(me);
    $("manager-link").hidden = me.role === "agent";
    renderAlertsButton();
    renderMine();
    await loadReferenceData();
    const fromHash = /conversation=(\d+)/.exec(location.hash);
    Staff.events.connect(onEvent, onSocketState);
    await Promise.all([loadQueue(), loadNotifications(), loadMine()]);
    if (fromHash) await openConversation(Number(fromHash[1]));
    document.body.dataset.ready = "true";
  });
})();
