// issue 15 (typing), in the agent console: "客户正在输入…" under the messages while the customer
// types (a "typing" staff event; shown a few seconds, gone when their message arrives), and the
// agent's own typing sent to the customer at most every 2.5 s while the reply box holds text.
(() => {
  "use strict";

  const STRINGS = { customerTyping: T("客户正在输入…") };
  const SHOWN_MS = 6000;        // the customer's widget sends a signal every 2.5 s while typing
  const SEND_EVERY_MS = 2500;   // the server drops an agent's signals closer than 2 s apart

  let hideTimer = null;
  let sentAt = 0;
  let sentFor = null;

  const $ = (id) => document.getElementById(id);
  // The open conversation, when this staff member owns it: only the owner's typing is shown.
  function ownConversation() {
    const state = window.agentConsole ? window.agentConsole.state : null;
    if (!state || !state.me || !state.conversation || state.conversation.id !== state.conversationId) return null;
    return state.conversation.owner === `agent:${state.me.id}` ? state.conversationId : null;
  }

  function indicator() {
    let box = $("customer-typing");
    if (!box && $("messages")) {
      box = Staff.el("p", { id: "customer-typing", class: "typing muted", role: "status", hidden: true,
        text: STRINGS.customerTyping });
      $("messages").after(box);
    }
    return box;
  }

  function hide() {
    clearTimeout(hideTimer);
    const box = $("customer-typing");
    if (box) box.hidden = true;
  }

  function show() {
    const box = indicator();
    if (!box) return;
    box.hidden = false;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, SHOWN_MS);
  }

  // Every staff event passes here (console.js onEvent): only the open conversation's matter.
  function onEvent(frame, conversationId) {
    if (!(frame.conversation_ids || []).includes(conversationId)) return;
    if (frame.type === "typing") show();
    else if (frame.type === "conversation") hide();
  }

  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!box || box.id !== "reply-text" || !box.value.trim()) return;
    const conversationId = ownConversation();
    if (!conversationId) return;
    const now = Date.now();
    if (conversationId === sentFor && now - sentAt < SEND_EVERY_MS) return;
    sentAt = now;
    sentFor = conversationId;
    Staff.api("POST", `/api/conversations/${conversationId}/typing`);
  });

  window.consoleTyping = { onEvent, hide, STRINGS };
})();
