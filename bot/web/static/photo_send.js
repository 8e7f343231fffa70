// An agent sends the customer a photo (issue 15): a 照片 button beside the reply box, shown only
// when the conversation's channel carries photos (the API's "sends_photos", which console.js puts
// on #conversation as data-photos). The reply box's text, if any, goes as the photo's caption and
// meets the same forbidden-phrase guard as a reply. The console refetches the conversation on the
// staff event the send publishes, and media.js shows the thumbnail.
(() => {
  "use strict";

  const TEXT = {
    button: T("照片"), title: T("发送照片给客户"), sending: T("正在发送照片…"), sent: T("照片已发送"),
    tooBig: T("照片太大，请选择小一些的照片。"), notImage: T("只能发送照片（JPEG、PNG、GIF 或 WebP）。"),
    failed: T("照片未发送"), forbidden: (data) => T("说明中含有服务忌语「{0}」，建议改为「{1}」。", data.forbidden, data.suggestion),
  };

  function say(text, ok) {
    const box = document.getElementById("conversation-message");
    if (!box) return;
    box.className = ok ? "muted" : "error";
    box.textContent = text;
  }

  async function csrfToken() {
    const response = await fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return "";
    return (await response.json()).csrf_token || "";
  }

  async function send(file) {
    const conversation = document.getElementById("messages")?.dataset.conversation;
    if (!conversation) return;
    const replyBox = document.getElementById("reply-text");
    const caption = replyBox ? replyBox.value.trim() : "";
    const body = new FormData();
    if (caption) body.append("caption", caption);
    body.append("file", file);
    say(TEXT.sending, true);
    let response;
    try {
      response = await fetch(`/api/conversations/${conversation}/photos`, {
        method: "POST", credentials: "same-origin", body,
        headers: { Accept: "application/json", "X-CSRF-Token": await csrfToken() },
      });
    } catch {
      say(TEXT.failed);
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      if (replyBox && caption && replyBox.value.trim() === caption) replyBox.value = "";
      say(TEXT.sent, true);
      return;
    }
    if (response.status === 413) say(TEXT.tooBig);
    else if (response.status === 415) say(TEXT.notImage);
    else if (response.status === 422 && data.forbidden) say(TEXT.forbidden(data));
    else say(`${TEXT.failed}：${data.error || response.status}`);
  }

  function addButton() {
    const send_ = document.getElementById("reply-send");
    if (!send_) return;
    let button = document.getElementById("photo-send");
    if (!button) {
      const input = document.createElement("input");
      input.type = "file";
      input.id = "photo-file";
      input.accept = "image/jpeg,image/png,image/gif,image/webp";
      input.hidden = true;
      input.addEventListener("change", () => {
        const file = input.files[0];
        input.value = "";
        if (file) send(file);
      });
      button = document.createElement("button");
      button.type = "button";
      button.id = "photo-send";
      button.textContent = TEXT.button;
      button.title = TEXT.title;
      button.addEventListener("click", () => input.click());
      send_.before(button, input);
    }
    button.hidden = document.getElementById("conversation")?.dataset.photos !== "true";
  }

  new MutationObserver(addButton).observe(document.body, { childList: true, subtree: true });
  addButton();
})();
