// The manager console's reports tab (issue 14): headline figures, charts (Chart.js, served from
// /static/vendor/), the export buttons and the latest daily report. manager.js shows the tab and
// calls managerReports.load(); the figures come from GET /api/reports, one request per grouping.
// All data is rendered as text (Staff.el) or handed to Chart.js as data, never as HTML.
"use strict";

(() => {
  const { el, clear, api, formatTime } = Staff;
  const $ = (id) => document.getElementById(id);
  const GROUPS = ["day", "category", "area", "channel", "agent"];
  const CHANNELS = [["webchat", T("网页聊天")], ["wechat", T("微信")], ["sms", T("短信")], ["telegram", "Telegram"]];
  const COLORS = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#1b7c83", "#bc4c00", "#57606a"];
  const reports = { charts: {}, figures: {}, built: false };
  window.managerReports = reports;

  const names = () => (window.managerConsole && window.managerConsole.state) || { categories: {}, queues: {} };

  // A group's name in the page's language: the API's label is in the service's default language
  // (Chinese), so ids are named here; the API's label for what the page has no name for.
  const GROUP_NAMES = {
    agent: (g) => (g.key ? g.label : T("未分配")),
    area: (g) => (g.key ? g.label : T("未识别行政区")),
    channel: (g) => Staff.label("channel", g.key),
    category: (g) => names().categories[g.key] || g.label,
  };
  function named(groupBy, groups) {
    return groups.map((g) => ({ ...g, label: GROUP_NAMES[groupBy] ? GROUP_NAMES[groupBy](g) : g.label }));
  }

  function percent(rate) { return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`; }
  // Seconds in the chart's unit (3600: hours, 60: minutes), two decimals.
  function inUnit(seconds, unit) { return seconds === null || seconds === undefined ? null : Math.round((seconds * 100) / unit) / 100; }
  const MINUTES_BELOW = 2 * 3600;  // medians all under 2 hours are charted in minutes, as the headline says them
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    if (seconds < 3600) return T("{0} 分钟", Math.round(seconds / 60));
    if (seconds < 86400 * 2) return T("{0} 小时", (seconds / 3600).toFixed(1));
    return T("{0} 天", (seconds / 86400).toFixed(1));
  }

  function select(id, label, options) {
    return el("label", {}, `${label} `, el("select", { id },
      el("option", { value: "", text: T("全部") }),
      options.map(([value, text]) => el("option", { value, text }))));
  }

  function chartCard(id, title, wide) {
    return el("div", { class: wide ? "panel report-chart wide" : "panel report-chart" },
      el("h2", { text: title }), el("div", { class: "chart-box" }, el("canvas", { id, role: "img", "aria-label": title }),
        el("p", { class: "chart-empty muted", "data-chart": id, hidden: true, text: T("暂无数据") })));
  }

  function build() {
    const state = names();
    const section = $("tab-reports");
    clear(section,
      el("div", { class: "panel report-filters" },
        el("h2", { text: T("报表") }),
        el("div", { class: "actions" },
          el("label", {}, `${T("从")} `, el("input", { type: "date", id: "report-from" })),
          el("label", {}, `${T("到")} `, el("input", { type: "date", id: "report-to" })),
          select("report-queue", T("队列"), Object.entries(state.queues || {})),
          select("report-category", T("类别"), Object.entries(state.categories || {})),
          select("report-channel", T("渠道"), CHANNELS),
          el("button", { type: "button", id: "report-run", class: "primary", text: T("查询"), onclick: () => load() })),
        el("div", { class: "actions" },
          el("span", { id: "report-message", class: "muted", role: "status" }),
          el("span", { class: "spacer" }),
          el("span", { class: "muted", text: T("导出工单") }),
          el("a", { id: "report-csv", class: "button", href: "/api/cases.csv", download: "", text: "CSV" }),
          el("a", { id: "report-xlsx", class: "button", href: "/api/cases.xlsx", download: "", text: "Excel" }))),
      el("div", { id: "report-headline", class: "headline" }),
      el("div", { class: "report-grid" },
        chartCard("chart-day", T("每日投诉量"), true),
        chartCard("chart-ontime", T("按时解决")),
        chartCard("chart-category", T("按类别")),
        chartCard("chart-area", T("按行政区")),
        chartCard("chart-channel", T("按渠道")),
        chartCard("chart-agent", T("按处理人")),
        chartCard("chart-times", T("首次响应与解决时长（中位数，小时）")),
        chartCard("chart-satisfaction-agent", T("满意率 · 按处理人")),
        chartCard("chart-satisfaction-category", T("满意率 · 按类别")),
        chartCard("chart-alerts", T("集中投诉预警"))),
      el("div", { class: "panel" }, el("h2", { text: T("处理人明细") }), el("div", { id: "report-agents" })),
      el("div", { class: "panel", id: "daily-report" }, el("h2", { text: T("日报") }), el("div", { id: "daily-body" })));
    reports.built = true;
  }

  function query() {
    const params = new URLSearchParams();
    for (const [name, id] of [["from", "report-from"], ["to", "report-to"], ["queue", "report-queue"], ["category", "report-category"], ["channel", "report-channel"]]) {
      const value = $(id).value;
      if (value) params.set(name, value);
    }
    return params;
  }

  // A chart with nothing to show (no groups, or every figure zero) says so instead of bare axes.
  function draw(id, config) {
    if (reports.charts[id]) reports.charts[id].destroy();
    delete reports.charts[id];
    const values = (config.data.datasets || []).flatMap((dataset) => dataset.data);
    const empty = !values.some((value) => value);
    $(id).hidden = empty;
    document.querySelector(`.chart-empty[data-chart="${id}"]`).hidden = !empty;
    if (empty) return;
    const options = {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { display: (config.data.datasets || []).length > 1, position: "bottom" } },
      ...config.options,
    };
    reports.charts[id] = new Chart($(id), { ...config, options });
  }

  function bars(id, groups, value, label, extra) {
    draw(id, {
      type: "bar",
      data: { labels: groups.map((g) => g.label), datasets: [{ label, data: groups.map(value), backgroundColor: COLORS[0] }] },
      options: { indexAxis: groups.length > 6 ? "y" : "x", scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { precision: 0 } } }, ...extra },
    });
  }

  function headline(totals, alerts) {
    const s = totals.satisfaction;
    const items = [
      [T("投诉总数"), totals.cases],
      [T("已解决"), totals.resolved],
      [T("按时率"), percent(totals.on_time_rate)],
      [T("超时"), totals.late],
      [T("首次响应（中位）"), duration(totals.first_response.median_seconds)],
      [T("解决时长（中位）"), duration(totals.resolution.median_seconds)],
      // 满意率: satisfied answers over every 回访 answer, "没解决" ones among them (docs/api.md)
      [T("满意率"), percent(s.rate)],
      [T("回访未解决"), s.not_resolved],
      [T("平均评分"), s.average === null ? "—" : `${s.average} / 5`],
      [T("重新打开"), totals.reopens],
      [T("申诉"), totals.appeals],
      [T("集中预警"), alerts.reduce((sum, day) => sum + day.count, 0)],
    ];
    clear($("report-headline"), items.map(([name, value]) => el("div", { class: "panel figure" },
      el("div", { class: "figure-label", text: name }), el("div", { class: "big", text: value }))));
  }

  function agentTable(groups) {
    if (!groups.length) return clear($("report-agents"), el("p", { class: "muted", text: T("无") }));
    const headers = [T("处理人"), T("工单"), T("已解决"), T("超时"), T("按时率"), T("首次响应（中位）"), T("解决时长（中位）"), T("回访"), T("满意率"), T("平均评分")];
    clear($("report-agents"), el("table", {},
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { text: h })))),
      el("tbody", {}, groups.map((g) => el("tr", {}, [
        g.label, g.cases, g.resolved, g.late, percent(g.on_time_rate), duration(g.first_response.median_seconds),
        duration(g.resolution.median_seconds), g.satisfaction.answered, percent(g.satisfaction.rate),
        g.satisfaction.average === null ? "—" : g.satisfaction.average,
      ].map((cell) => el("td", { text: cell })))))));
  }

  function render() {
    const f = reports.figures;
    const totals = f.day.totals;
    headline(totals, f.day.cluster_alerts);
    const days = f.day.groups;
    draw("chart-day", {
      type: "line",
      data: {
        labels: days.map((d) => d.key.slice(5)),
        datasets: [
          { label: T("新增"), data: days.map((d) => d.cases), borderColor: COLORS[0], backgroundColor: COLORS[0], tension: 0 },
          { label: T("已解决"), data: days.map((d) => d.resolved), borderColor: COLORS[1], backgroundColor: COLORS[1], tension: 0 },
          { label: T("超时"), data: days.map((d) => d.late), borderColor: COLORS[3], backgroundColor: COLORS[3], tension: 0 },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    const pending = Math.max(totals.cases - totals.on_time - totals.late, 0);
    draw("chart-ontime", {
      type: "doughnut",
      data: {
        labels: [T("按时"), T("超时"), T("未到期")],
        datasets: [{ data: [totals.on_time, totals.late, pending], backgroundColor: [COLORS[1], COLORS[3], "#d0d7de"] }],
      },
      options: { plugins: { legend: { display: true, position: "right" } } },
    });
    bars("chart-category", f.category.groups, (g) => g.cases, T("工单"));
    bars("chart-area", f.area.groups, (g) => g.cases, T("工单"));
    bars("chart-channel", f.channel.groups, (g) => g.cases, T("工单"));
    bars("chart-agent", f.agent.groups, (g) => g.cases, T("工单"));
    const categories = f.category.groups;
    const medians = categories.flatMap((g) => [g.first_response.median_seconds, g.resolution.median_seconds]).filter((v) => v !== null && v !== undefined);
    const unit = medians.length && Math.max(...medians) < MINUTES_BELOW ? 60 : 3600;
    const timesTitle = unit === 60 ? T("首次响应与解决时长（中位数，分钟）") : T("首次响应与解决时长（中位数，小时）");
    const timesCanvas = $("chart-times");
    timesCanvas.setAttribute("aria-label", timesTitle);
    timesCanvas.closest(".report-chart").querySelector("h2").textContent = timesTitle;
    draw("chart-times", {
      type: "bar",
      data: {
        labels: categories.map((g) => g.label),
        datasets: [
          { label: T("首次响应"), data: categories.map((g) => inUnit(g.first_response.median_seconds, unit)), backgroundColor: COLORS[0] },
          { label: T("解决"), data: categories.map((g) => inUnit(g.resolution.median_seconds, unit)), backgroundColor: COLORS[2] },
        ],
      },
      options: { scales: { y: { beginAtZero: true } } },
    });
    const rated = (groups) => groups.filter((g) => g.satisfaction.answered > 0);
    const satisfaction = { scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } } } };
    bars("chart-satisfaction-agent", rated(f.agent.groups), (g) => Math.round(g.satisfaction.rate * 1000) / 10, T("满意率 %"), satisfaction);
    bars("chart-satisfaction-category", rated(f.category.groups), (g) => Math.round(g.satisfaction.rate * 1000) / 10, T("满意率 %"), satisfaction);
    const alerts = f.day.cluster_alerts;
    draw("chart-alerts", {
      type: "bar",
      data: { labels: alerts.map((d) => d.day.slice(5)), datasets: [{ label: T("预警"), data: alerts.map((d) => d.count), backgroundColor: COLORS[4] }] },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    agentTable(f.agent.groups);
  }

  async function load() {
    if (!reports.built) build();
    const params = query();
    $("report-message").textContent = T("加载中…");
    const results = await Promise.all(GROUPS.map((group) => {
      const p = new URLSearchParams(params);
      p.set("group_by", group);
      return api("GET", `/api/reports?${p}`);
    }));
    const failed = results.find((r) => !r.ok);
    if (failed) {
      $("report-message").textContent = failed.data.error || T("报表加载失败（{0}）", failed.status);
      $("report-message").className = "error";
      return;
    }
    GROUPS.forEach((group, index) => { reports.figures[group] = { ...results[index].data, groups: named(group, results[index].data.groups || []) }; });
    const day = reports.figures.day;
    $("report-from").value = day.from;
    $("report-to").value = day.to;
    const exported = new URLSearchParams(params);
    exported.set("from", day.from);
    exported.set("to", day.to);
    exported.set("locale", StaffI18n.locale);  // headers in the console's language
    $("report-csv").href = `/api/cases.csv?${exported}`;
    $("report-xlsx").href = `/api/cases.xlsx?${exported}`;
    $("report-message").className = "muted";
    $("report-message").textContent = T("{0} 至 {1}（{2}），按创建日期统计", day.from, day.to, day.timezone);
    render();
    document.body.dataset.reports = "drawn";
    loadDaily();
  }

  function counts(items, key, nameOf) {
    if (!items || !items.length) return el("p", { class: "muted", text: T("无") });
    return el("table", {}, el("tbody", {}, items.map((item) => el("tr", {}, el("td", { text: nameOf(item[key]) }), el("td", { text: item.count })))));
  }

  async function loadDaily() {
    const result = await api("GET", "/api/reports/daily");
    const body = $("daily-body");
    if (result.status === 403) return clear(body, el("p", { class: "muted", text: T("日报仅经理可见") }));
    if (result.status === 404 || (result.ok && result.data.made === false)) return clear(body, el("p", { class: "muted", text: T("昨天的日报还没有生成（每天早上生成）") }));
    if (!result.ok) return clear(body, el("p", { class: "error", text: result.data.error || T("日报加载失败（{0}）", result.status) }));
    const d = result.data;
    const c = d.complaints || {};
    const category = (id) => names().categories[id] || id || "—";
    const channel = (id) => (CHANNELS.find(([value]) => value === id) || [id, id])[1];
    const s = d.satisfaction;
    // reports made before the rate was counted show the average alone
    const satisfaction = !s || !s.count ? "—" : s.rate === undefined ? T("{0} / 5（{1} 条）", s.average, s.count)
      : T("满意 {0} · 平均 {1} / 5 · 未解决 {2}", percent(s.rate), s.average === null ? "—" : s.average, s.not_resolved);
    clear(body,
      el("p", { class: "muted", text: T("{0} · 生成于 {1}", d.day, formatTime(d.created_at)) }),
      el("div", { class: "headline" }, [
        [T("新增投诉"), c.total], [T("已解决"), d.resolved], [T("超时"), d.breached],
        [T("发送失败"), d.deliveries_failed], [T("死信"), d.dead_letters], [T("满意度"), satisfaction],
      ].map(([label, value]) => el("div", { class: "panel figure" }, el("div", { class: "figure-label", text: label }), el("div", { class: "big", text: value ?? "—" })))),
      el("div", { class: "cards" },
        el("div", {}, el("h3", { text: T("按类别") }), counts(c.by_category, "category", category)),
        el("div", {}, el("h3", { text: c.by_district ? T("按行政区") : T("按区域") }), c.by_district
          ? counts(c.by_district, "district", (a) => a || T("未知"))
          : counts(c.by_area, "area", (a) => a || T("未知"))),
        el("div", {}, el("h3", { text: T("按渠道") }), counts(c.by_channel, "channel", channel))));
  }

  reports.load = load;
})();
