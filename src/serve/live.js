// Live reload for `handbook serve`; added to HTML pages only while serving.
// It listens to /__handbook/events (Server-Sent Events): `reload` after a
// good build, `failed` with the diagnostics of a failed one, and `state` on
// (re)connecting, which also lets a page that missed a reload catch up.
(function () {
  "use strict";
  if (window.__handbookLive) return;
  var me = document.currentScript;
  var version = (me && me.getAttribute("data-version")) || "";
  var SCROLL_KEY = "handbook-serve:scroll";
  var live = (window.__handbookLive = { version: version, connected: false, overlay: false });

  // Put the page back where it was before a live reload.
  try {
    var saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || "null");
    sessionStorage.removeItem(SCROLL_KEY);
    if (saved && saved.path === location.pathname + location.search) {
      var restore = function () { window.scrollTo(saved.x, saved.y); };
      restore();
      if (document.readyState !== "complete") window.addEventListener("load", restore);
    }
  } catch (e) { /* storage may be disabled */ }

  function reload() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({
        path: location.pathname + location.search,
        x: window.scrollX || window.pageXOffset || 0,
        y: window.scrollY || window.pageYOffset || 0
      }));
    } catch (e) { /* reload anyway */ }
    live.reloading = true;
    // The stream is ended first: cut off by the page going away, it can
    // be reported in the console as a failed load.
    if (source) source.close();
    location.reload();
  }

  var overlay = null;
  // Where the focus was before the overlay took it, to give it back.
  var before = null;
  function hide() {
    if (!overlay) return;
    var had = overlay.contains(document.activeElement);
    overlay.remove();
    overlay = null;
    live.overlay = false;
    if (had && before && before.isConnected && before.focus) before.focus();
    before = null;
  }

  function el(tag, text, css) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (css) e.style.cssText = css;
    return e;
  }

  // Built with textContent only: diagnostic text is never parsed as HTML.
  function show(diags) {
    var previous = overlay ? before : document.activeElement;
    hide();
    before = previous;
    var errors = diags.filter(function (d) { return d.severity === "error"; }).length;
    overlay = el("div", null,
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.94);" +
      "color:#f4f4f5;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:24px;");
    overlay.id = "__handbook-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-labelledby", "__handbook-overlay-title");
    overlay.tabIndex = -1;
    overlay.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); hide(); }
    });
    var close = el("button", "Dismiss",
      "float:right;font:inherit;padding:4px 10px;border:1px solid #888;border-radius:4px;background:#333;color:#fff;cursor:pointer;");
    close.type = "button";
    close.addEventListener("click", hide);
    overlay.appendChild(close);
    var title = el("h2",
      "Build failed: " + errors + (errors === 1 ? " error" : " errors"),
      "margin:0 0 4px;font-size:18px;color:#fca5a5;");
    title.id = "__handbook-overlay-title";
    overlay.appendChild(title);
    overlay.appendChild(el("p",
      "The page below is the last version that built. Fix the file and this page reloads by itself.",
      "margin:0 0 16px;color:#d4d4d8;"));
    var list = el("ol", null, "margin:0;padding-left:20px;");
    diags.forEach(function (d) {
      var item = el("li", null, "margin:0 0 14px;");
      item.className = "__handbook-diagnostic";
      var head = el("div", null, "");
      var loc = el("span", d.location, "color:#93c5fd;");
      loc.className = "__handbook-location";
      head.appendChild(loc);
      head.appendChild(document.createTextNode(": "));
      head.appendChild(el("span", d.severity, d.severity === "error" ? "color:#fca5a5;" : "color:#fcd34d;"));
      head.appendChild(document.createTextNode(": "));
      var msg = el("span", d.message, "");
      msg.className = "__handbook-message";
      head.appendChild(msg);
      item.appendChild(head);
      if (d.line) item.appendChild(el("pre", d.line, "margin:4px 0;white-space:pre-wrap;color:#a1a1aa;"));
      if (d.hint) {
        var hint = el("div", "hint: " + d.hint, "color:#86efac;");
        hint.className = "__handbook-hint";
        item.appendChild(hint);
      }
      list.appendChild(item);
    });
    overlay.appendChild(list);
    (document.body || document.documentElement).appendChild(overlay);
    live.overlay = true;
    // A keyboard or screen-reader user lands on the report, not behind it.
    close.focus();
  }

  function data(ev) {
    try { return JSON.parse(ev.data); } catch (e) { return null; }
  }

  if (typeof EventSource === "undefined") return;
  var source = new EventSource("/__handbook/events");
  window.addEventListener("pagehide", function () { source.close(); });
  // Back from the back/forward cache, the stream is closed: load afresh.
  window.addEventListener("pageshow", function (ev) { if (ev.persisted) location.reload(); });
  source.addEventListener("open", function () { live.connected = true; });
  source.addEventListener("error", function () { live.connected = false; });
  source.addEventListener("state", function (ev) {
    var d = data(ev);
    if (!d) return;
    live.connected = true;
    if (d.version !== version) return reload();
    if (d.diagnostics && d.diagnostics.length) show(d.diagnostics); else hide();
  });
  source.addEventListener("reload", function (ev) {
    var d = data(ev);
    if (d && d.version !== version) reload();
  });
  source.addEventListener("failed", function (ev) {
    var d = data(ev);
    if (d && d.diagnostics) show(d.diagnostics);
  });
})();
