// One language at a time on the staff pages (issue 15): Chinese by default, English when the
// staff member chooses it. Messages are written in Chinese in the code (T("等待队列")) and each
// other language has its catalogue (i18n/staff.<locale>.js); a message missing from a catalogue
// shows in Chinese. The choice is stored on the account (PUT /api/me/locale) and in this browser;
// before sign-in the browser's stored choice or its languages decide.
"use strict";

const StaffI18n = (() => {
  const LOCALES = ["zh-CN", "en"];
  const DEFAULT = "zh-CN";
  const STORED = "staff.ui_locale";
  const NAMES = { "zh-CN": "中文", en: "English" };

  function stored() {
    try { return localStorage.getItem(STORED); } catch (error) { return null; }
  }

  function remember(locale) {
    try { localStorage.setItem(STORED, locale); return true; } catch (error) { return false; }
  }

  function fromBrowser() {
    for (const language of navigator.languages || [navigator.language || ""]) {
      const lower = String(language).toLowerCase();
      if (lower.startsWith("zh")) return "zh-CN";
      if (lower.startsWith("en")) return "en";
    }
    return DEFAULT;
  }

  const choice = stored();
  const locale = LOCALES.includes(choice) ? choice : fromBrowser();
  const messages = (window.STAFF_MESSAGES || {})[locale] || {};
  document.documentElement.lang = locale;

  // T("会话 {0}", id): the message in the page's language, {0}, {1}… filled in order. A catalogue
  // says a word by the count with {1|place|places}: the first for a count of one, else the second.
  function t(message, ...values) {
    const text = Object.prototype.hasOwnProperty.call(messages, message) ? messages[message] : message;
    if (!values.length) return text;
    return text
      .replace(/\{(\d+)\|([^|}]*)\|([^}]*)\}/g, (whole, i, one, other) => (i < values.length ? (Number(values[i]) === 1 ? one : other) : whole))
      .replace(/\{(\d+)\}/g, (whole, i) => (i < values.length ? String(values[i]) : whole));
  }

  const T = t;  // as every page writes it, so the catalogue check finds this page's messages too

  // A list of names in the page's language: 物业服务组、工程组 / Property, Engineering.
  function list(items) {
    return items.join(T("、"));
  }

  // Static markup: <h2 data-i18n>等待队列</h2>, data-i18n-attr="placeholder aria-label title".
  function apply(root) {
    for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.textContent.trim());
    for (const node of root.querySelectorAll("[data-i18n-attr]")) {
      for (const name of node.getAttribute("data-i18n-attr").split(/\s+/)) {
        if (node.hasAttribute(name)) node.setAttribute(name, t(node.getAttribute(name)));
      }
    }
    if (document.title) document.title = t(document.title);
  }

  // The account's language wins once signed in; a different one reloads the page in it.
  function follow(accountLocale) {
    if (!LOCALES.includes(accountLocale) || accountLocale === locale) return false;
    if (!remember(accountLocale)) return false;  // no storage here: a reload could not keep it
    location.reload();
    return true;
  }

  // The language switch: saved on the account when signed in (save returns the API answer).
  function picker(save) {
    const select = document.createElement("select");
    select.className = "ui-locale";
    select.setAttribute("aria-label", T("界面语言"));
    for (const value of LOCALES) {
      const option = document.createElement("option");
      option.value = value;
      option.lang = value;
      option.textContent = NAMES[value];
      option.selected = value === locale;
      select.append(option);
    }
    select.addEventListener("change", async () => {
      const chosen = select.value;
      if (chosen === locale) return;  // the page is in that language already: no reload
      select.disabled = true;
      if (save) {
        const result = await save(chosen);
        if (result && !result.ok) { select.value = locale; select.disabled = false; return; }
      }
      remember(chosen);
      location.reload();
    });
    return select;
  }

  return { t, apply, follow, picker, list, locale, LOCALES };
})();

// Every staff script calls T() for a message in the page's language.
const T = StaffI18n.t;
