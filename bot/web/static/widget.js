// The embeddable chat widget (issue 15): <script src="https://bot.example/widget.js" async></script>
// adds a floating button that opens the web chat (/chat?embed=1) in an iframe. The iframe keeps
// the chat's protocol, storage and styles apart from the host page; the button and the panel sit
// in a shadow root so the host's CSS cannot reach them, styled through the CSSOM (allowed
// by a host's strict CSP, unlike inline <style>).
(() => {
  "use strict";

  const script = document.currentScript;
  if (!script || window.complaintWidget) return;  // a second copy of the snippet adds nothing
  window.complaintWidget = {};
  const base = new URL(script.src, location.href).origin;
  const wanted = script.dataset.locale;  // optional: <script data-locale="en" …>
  const LABELS = !/^en/i.test(wanted || navigator.language || "zh") ? { open: "在线客服", close: "关闭" } : { open: "Chat with us", close: "Close" };

  const style = (el, rules) => { Object.assign(el.style, rules); return el; };

  function mount() {
    const host = style(document.createElement("div"), {
      position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483000",
    });
    host.id = "complaint-widget";
    const root = host.attachShadow({ mode: "open" });

    const panel = style(document.createElement("div"), {
      display: "none", position: "absolute", right: "0", bottom: "64px",
      width: "min(380px, calc(100vw - 40px))", height: "min(600px, calc(100vh - 110px))",
      borderRadius: "12px", overflow: "hidden", background: "#fff",
      boxShadow: "0 8px 30px rgba(0, 0, 0, 0.25)",
    });
    let frame = null;

    const button = style(document.createElement("button"), {
      all: "initial", boxSizing: "border-box", cursor: "pointer", height: "48px", padding: "0 18px",
      borderRadius: "24px", background: "#1f6feb", color: "#fff", whiteSpace: "nowrap",
      font: '600 15px/48px system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif',
      boxShadow: "0 4px 14px rgba(0, 0, 0, 0.25)",
    });
    button.type = "button";
    button.part = "button";
    button.setAttribute("aria-expanded", "false");
    button.textContent = LABELS.open;

    function toggle(open) {
      if (open && !frame) {
        // Created on the first open: a page that never opens the chat starts no conversation.
        frame = style(document.createElement("iframe"), { border: "0", width: "100%", height: "100%", display: "block" });
        frame.title = LABELS.open;
        frame.src = `${base}/chat?embed=1${wanted ? `&locale=${encodeURIComponent(wanted)}` : ""}`;
        frame.allow = "clipboard-write";
        panel.append(frame);
      }
      panel.style.display = open ? "block" : "none";
      button.textContent = open ? LABELS.close : LABELS.open;
      button.setAttribute("aria-expanded", String(open));
    }
    button.addEventListener("click", () => toggle(panel.style.display === "none"));

    root.append(panel, button);
    document.body.append(host);
    Object.assign(window.complaintWidget, { open: () => toggle(true), close: () => toggle(false), host });
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
