// The manager console's reports tab (issue 14): headline figures, charts (Chart.js, served from
// /static/vendor/), the export buttons and the latest daily report. manager.js shows the tab and
// calls managerReports.load(); the figures come from GET /api/reports, one request per grouping.
// All data is rendered as text (Staff.el) or handed to Chart.js as data, never as HTML.
"use strict";

(() => {
  const { el, clear, api, formatTime } = Staff;
  const $ = (id) => document.getElementById(id);
  const GROUPS = ["day", "category", "area", "channel", "agent"];
  const CHANNELS = [["webchat", "网页聊天"], ["wechat", "微信"], ["sms", "短信"], ["telegram", "Telegram"]];
  const COLORS = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#1b7c83", "#bc4c00", "#57606a"];
  const reports = { charts: {}, figures: {}, built: false };
  window.managerReports = reports;

  const names = () => (window.managerConsole && window.managerConsole.state) || { categories: {}, queues: {} };

  function percent(rate) { return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`; }
  function hours(seconds) { return seconds === null || seconds === undefined ? null : Math.round(seconds / 36) / 100; }
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    if (seconds < 3600) return `${Math.round(seconds / 60)} 分钟`;
    if (seconds < 86400 * 2) return `${(seconds / 3600).toFixed(1)} 小时`;
    return `${(seconds / 86400).toFixed(1)} 天`;
  }

  function select(id, label, options) {
    return el("label", {}, `${label} `, el("select", { id },
      el("option", { value: "", text: "全部 all" }),
      options.map(([value, text]) => el("option", { value, text }))));
  }

  function chartCard(id, title, wide) {
    return el("div", { class: wide ? "panel report-chart wide" : "panel report-chart" },
      el("h2", { text: title }), el("div", { class: "chart-box" }, el("canvas", { id, role: "img", "aria-label": title })));
  }

  function build() {
    const state = names();
    const section = $("tab-reports");
    clear(section,
      el("div", { class: "panel report-filters" },
        el("h2", { text: "报表 Reports" }),
        el("div", { class: "actions" },
          el("label", {}, "从 From ", el("input", { type: "date", id: "report-from" })),
          el("label", {}, "到 To ", el("input", { type: "date", id: "report-to" })),
          select("report-queue", "队列 Queue", Object.entries(state.queues || {})),
          select("report-category", "类别 Category", Object.entries(state.categories || {})),
          select("report-channel", "渠道 Channel", CHANNELS),
          el("button", { type: "button", id: "report-run", class: "primary", text: "查询 Apply", onclick: () => load() })),
        el("div", { class: "actions" },
          el("span", { id: "report-message", class: "muted", role: "status" }),
          el("span", { class: "spacer" }),
          el("span", { class: "muted", text: "导出工单 Export cases:" }),
          el("a", { id: "report-csv", class: "button", href: "/api/cases.csv", download: "", text: "CSV" }),
          el("a", { id: "report-xlsx", class: "button", href: "/api/cases.xlsx", download: "", text: "Excel" }))),
      el("div", { id: "report-headline", class: "headline" }),
      el("div", { class: "report-grid" },
        chartCard("chart-day", "每日投诉量 Cases per day", true),
        chartCard("chart-ontime", "按时办结 On time vs late"),
        chartCard("chart-category", "按类别 By category"),
        chartCard("chart-area", "按区域 By area"),
        chartCard("chart-channel", "按渠道 By channel"),
        chartCard("chart-agent", "按处理人 By agent"),
        chartCard("chart-times", "首次响应与解决时长(中位数,小时) Response and resolution (median, hours)"),
        chartCard("chart-satisfaction-agent", "满意率 · 按处理人 Satisfaction by agent"),
        chartCard("chart-satisfaction-category", "满意率 · 按类别 Satisfaction by category"),
        chartCard("chart-alerts", "集中投诉预警 Cluster alerts per day")),
      el("div", { class: "panel" }, el("h2", { text: "处理人明细 By agent" }), el("div", { id: "report-agents" })),
      el("div", { class: "panel", id: "daily-report" }, el("h2", { text: "日报 Daily report" }), el("div", { id: "daily-body" })));
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

  function draw(id, config) {
    if (reports.charts[id]) reports.charts[id].destroy();
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
      ["投诉总数", "Cases", totals.cases],
      ["已解决", "Resolved", totals.resolved],
      ["按时率", "On time", percent(totals.on_time_rate)],
      ["超时", "Late", totals.late],
      ["首次响应(中位)", "First response", duration(totals.first_response.median_seconds)],
      ["解决时长(中位)", "Resolution", duration(totals.resolution.median_seconds)],
      ["满意率", "Satisfied", percent(s.rate)],
      ["平均评分", "Avg rating", s.average === null ? "—" : `${s.average} / 5`],
      ["重新打开", "Reopened", totals.reopens],
      ["申诉", "Appeals", totals.appeals],
      ["集中预警", "Cluster alerts", alerts.reduce((sum, day) => sum + day.count, 0)],
    ];
    clear($("report-headline"), items.map(([zh, en, value]) => el("div", { class: "panel figure" },
      el("div", { class: "figure-label", text: `${zh} ${en}` }), el("div", { class: "big", text: value }))));
  }

  function agentTable(groups) {
    if (!groups.length) return clear($("report-agents"), el("p", { class: "muted", text: "无 / none" }));
    const headers = ["处理人", "工单", "已解决", "超时", "按时率", "首次响应(中位)", "解决时长(中位)", "回访", "满意率", "平均评分"];
    clear($("report-agents"), el("table", {},
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { text: h })))),
      el("tbody", {}, groups.map((g) => el("tr", {}, [
        g.label, g.cases, g.resolved, g.late, percent(g.on_time_rate), duration(g.first_response.median_seconds),
        duration(g.resolution.median_seconds), g.satisfaction.rated, percent(g.satisfaction.rate),
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
          { label: "新增 New", data: days.map((d) => d.cases), borderColor: COLORS[0], backgroundColor: COLORS[0], tension: 0 },
          { label: "已解决 Resolved", data: days.map((d) => d.resolved), borderColor: COLORS[1], backgroundColor: COLORS[1], tension: 0 },
          { label: "超时 Late", data: days.map((d) => d.late), borderColor: COLORS[3], backgroundColor: COLORS[3], tension: 0 },
        ],
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    const pending = Math.max(totals.cases - totals.on_time - totals.late, 0);
    draw("chart-ontime", {
      type: "doughnut",
      data: {
        labels: ["按时 On time", "超时 Late", "未到期 Pending"],
        datasets: [{ data: [totals.on_time, totals.late, pending], backgroundColor: [COLORS[1], COLORS[3], "#d0d7de"] }],
      },
      options: { plugins: { legend: { display: true, position: "right" } } },
    });
    bars("chart-category", f.category.groups, (g) => g.cases, "工单 Cases");
    bars("chart-area", f.area.groups, (g) => g.cases, "工单 Cases");
    bars("chart-channel", f.channel.groups, (g) => g.cases, "工单 Cases");
    bars("chart-agent", f.agent.groups, (g) => g.cases, "工单 Cases");
    const categories = f.category.groups;
    draw("chart-times", {
      type: "bar",
      data: {
        labels: categories.map((g) => g.label),
        datasets: [
          { label: "首次响应 First response", data: categories.map((g) => hours(g.first_response.median_seconds)), backgroundColor: COLORS[0] },
          { label: "解决 Resolution", data: categories.map((g) => hours(g.resolution.median_seconds)), backgroundColor: COLORS[2] },
        ],
      },
      options: { scales: { y: { beginAtZero: true } } },
    });
    const rated = (groups) => groups.filter((g) => g.satisfaction.rated > 0);
    const satisfaction = { scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (v) => `${v}%` } } } };
    bars("chart-satisfaction-agent", rated(f.agent.groups), (g) => Math.round(g.satisfaction.rate * 1000) / 10, "满意率 %", satisfaction);
    bars("chart-satisfaction-category", rated(f.category.groups), (g) => Math.round(g.satisfaction.rate * 1000) / 10, "满意率 %", satisfaction);
    const alerts = f.day.cluster_alerts;
    draw("chart-alerts", {
      type: "bar",
      data: { labels: alerts.map((d) => d.day.slice(5)), datasets: [{ label: "预警 Alerts", data: alerts.map((d) => d.count), backgroundColor: COLORS[4] }] },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    agentTable(f.agent.groups);
  }

  async function load() {
    if (!reports.built) build();
    const params = query();
    $("report-message").textContent = "加载中… loading";
    const results = await Promise.all(GROUPS.map((group) => {
      const p = new URLSearchParams(params);
      p.set("group_by", group);
      return api("GET", `/api/reports?${p}`);
    }));
    const failed = results.find((r) => !r.ok);
    if (failed) {
      $("report-message").textContent = failed.data.error || `报表加载失败 (${failed.status})`;
      $("report-message").className = "error";
      return;
    }
    GROUPS.forEach((group, index) => { reports.figures[group] = results[index].data; });
    const day = reports.figures.day;
    $("report-from").value = day.from;
    $("report-to").value = day.to;
    const exported = new URLSearchParams(params);
    exported.set("from", day.from);
    exported.set("to", day.to);
    $("report-csv").href = `/api/cases.csv?${exported}`;
    $("report-xlsx").href = `/api/cases.xlsx?${exported}`;
    $("report-message").className = "muted";
    $("report-message").textContent = `${day.from} 至 ${day.to}(${day.timezone}),按创建日期统计 · cases created in the range`;
    render();
    document.body.dataset.reports = "drawn";
    loadDaily();
  }

  function counts(items, key, nameOf) {
    if (!items || !items.length) return el("p", { class: "muted", text: "无 / none" });
    return el("table", {}, el("tbody", {}, items.map((item) => el("tr", {}, el("td", { text: nameOf(item[key]) }), el("td", { text: item.count })))));
  }

  async function loadDaily() {
    const result = await api("GET", "/api/reports/daily");
    const body = $("daily-body");
    if (result.status === 403) return clear(body, el("p", { class: "muted", text: "日报仅经理可见 · Managers only" }));
    if (result.status === 404) return clear(body, el("p", { class: "muted", text: "昨天的日报还没有生成(每天早上生成)· Not made yet: it is made each morning" }));
    if (!result.ok) return clear(body, el("p", { class: "error", text: result.data.error || `日报加载失败 (${result.status})` }));
    const d = result.data;
    const c = d.complaints || {};
    const category = (id) => names().categories[id] || id || "—";
    const channel = (id) => (CHANNELS.find(([value]) => value === id) || [id, id])[1];
    const satisfaction = d.satisfaction && d.satisfaction.count ? `${d.satisfaction.average} / 5(${d.satisfaction.count} 条)` : "—";
    clear(body,
      el("p", { class: "muted", text: `${d.day} · 生成于 ${formatTime(d.created_at)}` }),
      el("div", { class: "headline" }, [
        ["新增投诉 New", c.total], ["已解决 Resolved", d.resolved], ["超时 Breached", d.breached],
        ["发送失败 Failed deliveries", d.deliveries_failed], ["死信 Dead letters", d.dead_letters], ["满意度 Rating", satisfaction],
      ].map(([label, value]) => el("div", { class: "panel figure" }, el("div", { class: "figure-label", text: label }), el("div", { class: "big", text: value ?? "—" })))),
      el("div", { class: "cards" },
        el("div", {}, el("h3", { text: "按类别 By category" }), counts(c.by_category, "category", category)),
        el("div", {}, el("h3", { text: "按区域 By area" }), c.by_district
          ? counts(c.by_district, "district", (a) => a || "未知 unknown")
          : counts(c.by_area, "area", (a) => a || "未知 unknown")),
        el("div", {}, el("h3", { text: "按渠道 By channel" }), counts(c.by_channel, "channel", channel))));
  }

  reports.load = load;
})();
