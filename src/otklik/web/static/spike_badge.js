/* The spike alerts' badge in the menu of every workplace page, and a banner on the moderators' queue: open alerts
   nobody has acknowledged yet, in the reader's scope (/ui/alerts/badge.json), refreshed every minute. */
(function () {
  "use strict";
  var badge = document.querySelector("[data-spike-badge]");
  if (!badge || !window.fetch) { return; }
  function banner(count) {
    if (location.pathname.indexOf("/ui/moderation") !== 0) { return; }
    var main = document.getElementById("main"), box = document.getElementById("spike-banner");
    if (!main) { return; }
    if (!count) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("p");
      box.id = "spike-banner";
      box.className = "warn-box";
      box.setAttribute("role", "status");
      box.setAttribute("data-testid", "spike-banner");
      main.insertBefore(box, main.firstChild);
    }
    box.innerHTML = "";
    box.appendChild(document.createTextNode("Всплески обращений в вашей зоне: " + count + ". "));
    var link = document.createElement("a");
    link.href = "/ui/alerts"; link.textContent = "Посмотреть";
    box.appendChild(link);
  }
  function refresh() {
    fetch("/ui/alerts/badge.json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { open: 0 }; })
      .then(function (data) {
        badge.textContent = data.open ? String(data.open) : "";
        badge.hidden = !data.open;
        banner(data.open);
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }
  refresh();
  setInterval(refresh, 60000);
})();
