// Photos in the agent console (issue 15): each message console.js renders with data-media="<id> …"
// gets its thumbnails (/media/<id>/thumb, sent with the staff session cookie); a click enlarges.
(() => {
  "use strict";

  const LABELS = { photo: T("照片"), close: T("关闭") };

  function enlarge(id) {
    const viewer = document.createElement("div");
    viewer.className = "photo-viewer";
    viewer.setAttribute("role", "dialog");
    viewer.setAttribute("aria-label", LABELS.photo);
    const img = document.createElement("img");
    img.src = `/media/${id}`;
    img.alt = LABELS.photo;
    viewer.append(img);
    const close = () => { viewer.remove(); document.removeEventListener("keydown", onKey); };
    const onKey = (event) => { if (event.key === "Escape") close(); };
    viewer.addEventListener("click", close);
    document.addEventListener("keydown", onKey);
    document.body.append(viewer);
  }

  function addThumbnails(item) {
    if (item.querySelector(".photos")) return;
    const ids = (item.dataset.media || "").split(" ").filter((id) => /^[0-9a-f]{32}$/.test(id));
    if (!ids.length) return;
    const box = document.createElement("span");
    box.className = "photos";
    for (const id of ids) {
      const img = document.createElement("img");
      img.className = "photo";
      img.src = `/media/${id}/thumb`;
      img.alt = LABELS.photo;
      img.dataset.media = id;
      img.addEventListener("click", () => enlarge(id));
      box.append(img);
    }
    const text = item.querySelector(".text");
    if (text && text.textContent === "[image]") text.hidden = true;  // the thumbnail says it better
    item.append(box);
    keepFollowing(item.closest(".messages"), box);
  }

  // A list shown at its newest message stays there as the thumbnails load and grow it (the agent
  // would be left above the newest, and the next message only said by 有新消息 ↓); one the agent
  // scrolled up in is left where it is.
  const NEAR_NEWEST_PX = 40;
  function keepFollowing(list, box) {
    if (!list) return;
    const below = () => list.scrollHeight - list.scrollTop - list.clientHeight;
    if (below() >= NEAR_NEWEST_PX) return;
    for (const img of box.querySelectorAll("img")) {
      img.addEventListener("load", () => {
        if (below() < NEAR_NEWEST_PX + box.offsetHeight) list.scrollTop = list.scrollHeight;
      }, { once: true });
    }
  }

  function scan(root) {
    for (const item of root.querySelectorAll("li[data-media]")) addThumbnails(item);
  }

  new MutationObserver(() => scan(document)).observe(document.body, { childList: true, subtree: true });
  scan(document);
})();
