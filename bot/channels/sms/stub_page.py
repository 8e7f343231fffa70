"""The stub gateway's page (issue 15): a developer texts the bot as a phone and reads the whole
conversation, both directions in the order they happened, in Chinese, times in the browser's zone."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import asdict, dataclass

STATUS_WORDS = {"queued": "排队中", "sent": "已发送", "delivered": "已送达", "failed": "发送失败", "received": "已收到"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One SMS of the conversation: ``direction`` "in" (a phone to the bot) or "out" (the bot to a phone)."""

    direction: str
    phone: str
    body: str
    at: str
    """ISO 8601, UTC."""
    status: str

    def as_json(self) -> dict[str, str]:
        return asdict(self)


def _entry(entry: Entry) -> str:
    sender = f"手机 {entry.phone}" if entry.direction == "in" else f"机器人 → {entry.phone}"
    status = STATUS_WORDS.get(entry.status, entry.status)
    return (
        f'<li class="sms sms-{entry.direction}"><div class="sms-meta"><span>{html.escape(sender)}</span> '
        f'<time datetime="{html.escape(entry.at)}">{html.escape(entry.at[11:16])} UTC</time> '
        f'<span class="sms-status">{html.escape(status)}</span></div>'
        f'<div class="sms-body">{html.escape(entry.body)}</div></li>'
    )


def render(webhook_url: str, number: str, entries: Sequence[Entry]) -> str:
    """The page; ``page.js`` then shows local times and keeps the conversation up to date."""
    rows = "".join(_entry(entry) for entry in entries)
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>短信模拟网关</title><link rel="stylesheet" href="page.css"></head>
<body><h1>短信模拟网关 <small lang="en">SMS stub gateway</small></h1>
<p class="about">开发用：在这里以手机的身份给机器人发短信。短信送到 <code>{html.escape(webhook_url)}</code>，
机器人的号码是 <code>{html.escape(number)}</code>。</p>
<ol id="conversation" class="conversation" aria-live="polite">{rows}</ol>
<p id="empty" class="empty"{" hidden" if entries else ""}>还没有短信。</p>
<form id="phone-form" method="post" action="phone">
<label>发件号码 <input id="phone-from" name="From" value="+8613800138000"></label>
<label class="grow">短信内容 <input id="phone-body" name="Body" placeholder="小区电梯坏了" required></label>
<button id="phone-send">发送</button></form>
<script src="page.js" defer></script>
</body></html>"""


PAGE_CSS = """
body { font: 15px/1.5 system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
  max-width: 760px; margin: 1.5em auto; padding: 0 12px; color: #1f2328; }
h1 small { font-size: 14px; font-weight: normal; color: #57606a; }
.about { color: #57606a; font-size: 13px; }
.conversation { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.sms { max-width: 80%; display: flex; flex-direction: column; }
.sms-in { align-self: flex-end; align-items: flex-end; }
.sms-out { align-self: flex-start; }
.sms-meta { font-size: 12px; color: #57606a; }
.sms-meta > * + * { margin-left: 6px; }
.sms-body { white-space: pre-wrap; padding: 6px 12px; border-radius: 12px; background: #f0f2f5; }
.sms-in .sms-body { background: #2da44e; color: #fff; }
form { display: flex; gap: 8px; align-items: end; margin-top: 16px; flex-wrap: wrap; }
label { display: flex; flex-direction: column; font-size: 13px; }
label.grow { flex: 1; }
input { font: inherit; padding: 4px 8px; }
button { font: inherit; padding: 5px 16px; }
"""

PAGE_JS = r"""
// Local times and a live conversation: the bot answers after the page was sent, so poll.
(() => {
  "use strict";
  const list = document.getElementById("conversation");
  const empty = document.getElementById("empty");
  const STATUS = { queued: "排队中", sent: "已发送", delivered: "已送达", failed: "发送失败", received: "已收到" };

  function when(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return "";
    const time = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
    const today = new Date().toDateString() === date.toDateString();
    return new Intl.DateTimeFormat("zh-CN", today ? time : { month: "short", day: "numeric", ...time }).format(date);
  }

  function item(entry) {
    const li = document.createElement("li");
    li.className = `sms sms-${entry.direction === "in" ? "in" : "out"}`;
    const meta = document.createElement("div");
    meta.className = "sms-meta";
    const who = document.createElement("span");
    who.textContent = entry.direction === "in" ? `手机 ${entry.phone}` : `机器人 → ${entry.phone}`;
    const time = document.createElement("time");
    time.dateTime = entry.at;
    time.textContent = when(entry.at);
    const status = document.createElement("span");
    status.className = "sms-status";
    status.textContent = STATUS[entry.status] ?? entry.status;
    const body = document.createElement("div");
    body.className = "sms-body";
    body.textContent = entry.body;
    meta.append(who, time, status);
    li.append(meta, body);
    return li;
  }

  let shown = "";
  async function refresh() {
    try {
      const response = await fetch("messages", { cache: "no-store" });
      const data = await response.json();
      const key = JSON.stringify(data.conversation);
      if (key !== shown) {
        shown = key;
        const follow = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
        list.replaceChildren(...data.conversation.map(item));
        empty.hidden = data.conversation.length > 0;
        if (follow) window.scrollTo(0, document.body.scrollHeight);
      }
    } catch (error) {
      console.warn("sms stub:", error);
    }
  }

  for (const time of list.querySelectorAll("time")) time.textContent = when(time.dateTime);
  refresh();
  setInterval(refresh, 1500);
  document.getElementById("phone-body").focus();
})();
"""
