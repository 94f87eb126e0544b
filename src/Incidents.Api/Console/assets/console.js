// The console's only script of its own (docs/console.md): countdowns that tick in the browser, and the live feed.
(function () {
  "use strict";
  var body = document.body;
  var lang = body.getAttribute("data-lang");
  // The server's clock decides due times; correct for the browser's own clock being off.
  var offset = Date.parse(body.getAttribute("data-server-now")) - Date.now();

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function format(ms) {
    var late = ms < 0, s = Math.floor(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var text = (h > 0 ? h + ":" : "") + two(m) + ":" + two(sec);
    return late ? (lang === "en" ? "overdue " : "已超时 ") + text : text;
  }
  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll("time.countdown[data-due]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-due")) - now;
      el.textContent = format(left);
      el.classList.toggle("overdue", left < 0);
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);

  // Live feed: the server pushes the id of every stream whose events were committed; the board re-reads itself, an
  // incident page says it changed (its forms keep the version the user saw, so a stale step gets a plain-words 412).
  var status = document.querySelector("[data-live-status]");
  var pending = null;
  function refreshBoard() {
    var board = document.querySelector("[data-board]");
    if (!board || !window.htmx) { return; }
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(function () { pending = null; htmx.trigger(board, "refresh"); }, 100);
  }
  if (window.EventSource) {
    var source = new EventSource("/console/events");
    source.addEventListener("ready", function () {
      if (status) { status.textContent = lang === "en" ? "Live updates: on" : "实时更新：已连接"; status.setAttribute("data-connected", "true"); }
    });
    source.addEventListener("incident", function (e) {
      refreshBoard();
      var incident = document.querySelector("[data-incident-id]");
      var banner = document.getElementById("stale-banner");
      if (incident && banner && incident.getAttribute("data-incident-id") === e.data) { banner.hidden = false; }
    });
    source.onerror = function () {
      if (status) { status.textContent = lang === "en" ? "Live updates: reconnecting…" : "实时更新：重新连接中…"; status.removeAttribute("data-connected"); }
    };
  }
  // A step the page itself took re-renders the incident: the banner no longer applies.
  document.addEventListener("htmx:afterSwap", function (e) {
    var banner = document.getElementById("stale-banner");
    if (banner && e.detail && e.detail.target && e.detail.target.id === "incident") { banner.hidden = true; }
  });
  document.addEventListener("htmx:responseError", function (e) {
    var flash = document.getElementById("flash");
    if (flash) { flash.textContent = (lang === "en" ? "The server could not do this (" : "服务器未能完成操作（") + e.detail.xhr.status + ")"; }
  });
})();
