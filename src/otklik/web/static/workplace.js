/* Otklik workplace: our own small script (no libraries). Everything works without it; it adds keyboard
   shortcuts, the live queue (server-sent events, a 10 s poll as fallback), countdowns and the template picker. */
(function () {
  "use strict";

  // --- deadline countdowns: the server rendered the first text; keep it current every 30 s ---
  function durationText(ms) {
    var past = ms < 0, minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    var parts = days ? [days + " д", hours + " ч"] : hours ? [hours + " ч", mins + " мин"] : [mins + " мин"];
    return (past ? "просрочено на " : "осталось ") + parts.join(" ");
  }
  function tickDeadlines() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var left = el.querySelector(".due-left");
      if (left) left.textContent = durationText(due - now);
      if (due < now && !el.classList.contains("due-over")) {
        el.className = "due due-over";
        var level = el.querySelector(".due-level");
        if (level) level.textContent = "просрочено";
      }
    });
  }

  // --- keyboard: j/k move, a accept, r reject, / search, Enter open ---
  var current = -1;
  function items() {
    return Array.prototype.filter.call(document.querySelectorAll(".queue-item"), function (el) { return !el.hidden; });
  }
  function select(index) {
    var list = items();
    if (!list.length) return;
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (el) { el.classList.remove("current"); });
    var item = list[current];
    item.classList.add("current");
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (typing(event.target)) return;
    var list = items(), item = list[current];
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "/": {
        var search = document.getElementById("queue-search");
        if (search) { event.preventDefault(); search.focus(); }
        return;
      }
      case "a": {
        var accept = item && item.querySelector('[data-action="accept"]');
        if (accept) { event.preventDefault(); accept.click(); }
        return;
      }
      case "r": {
        if (!item) return;
        var more = item.querySelector("details.more");
        if (more) more.open = true;
        var reject = item.querySelector('[data-action="reject"]');
        if (reject) { event.preventDefault(); reject.focus(); }
        return;
      }
      case "Enter": {
        var link = item && item.querySelector("a[href^='/ui/appeals/']");
        if (link && event.target === item) link.click();
        return;
      }
      default: return;
    }
    event.preventDefault();
  }

  // --- search in the queue: hides the items that do not contain the words ---
  function filterQueue() {
    var search = document.getElementById("queue-search");
    if (!search) return;
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll(".queue-item").forEach(function (el) {
      var text = el.textContent.toLowerCase();
      el.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
    current = -1;
  }

  // --- the live queue: reload the list fragment when the stream says something changed ---
  function liveQueue() {
    var box = document.getElementById("queue");
    if (!box) return;
    var status = document.getElementById("live-status"), pending = null;
    function refresh() {
      pending = null;
      if (box.contains(document.activeElement) && typing(document.activeElement)) {
        if (status) status.textContent = "В очереди есть изменения — обновите страницу, когда закончите.";
        return; // never pull the form a person is typing into away from them
      }
      fetch(box.getAttribute("data-fragment"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var before = box.querySelector("#queue-items"), count = before ? before.getAttribute("data-count") : null;
          box.innerHTML = html;
          var after = box.querySelector("#queue-items");
          if (status && after && count !== null && after.getAttribute("data-count") !== count) {
            status.textContent = "Очередь обновлена: " + after.getAttribute("data-count") + " в очереди.";
          }
          filterQueue();
          tickDeadlines();
        })
        .catch(function () { /* the next event or poll tries again */ });
    }
    function soon() { if (!pending) pending = setTimeout(refresh, 500); }
    if (window.EventSource) {
      var source = new EventSource(box.getAttribute("data-live"));
      source.onmessage = soon;
      source.onerror = function () { if (status) status.textContent = "Переподключение к живой очереди…"; };
      source.onopen = function () { if (status) status.textContent = ""; };
    } else {
      setInterval(refresh, 10000);
    }
  }

  // --- template picker: the chosen template's text goes into the answer, to be edited ---
  function templates() {
    document.querySelectorAll("select[data-template-target]").forEach(function (sel) {
      sel.addEventListener("change", function () {
        var option = sel.options[sel.selectedIndex], target = document.getElementById(sel.getAttribute("data-template-target"));
        if (target && option && option.getAttribute("data-text") && (!target.value || confirm("Заменить текст ответа шаблоном?"))) {
          target.value = option.getAttribute("data-text");
          target.focus();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tickDeadlines();
    setInterval(tickDeadlines, 30000);
    document.addEventListener("keydown", onKey);
    var search = document.getElementById("queue-search");
    if (search) search.addEventListener("input", filterQueue);
    liveQueue();
    templates();
  });
})();
