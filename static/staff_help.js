// Tells staff of a client waiting at a kiosk ("Ohjaaja auttaa") without
// reloading the page: every 10 seconds it asks how many wait, and when
// there are more than the page shows, a status line with a link appears.
(function () {
  "use strict";
  var alert = document.getElementById("help-alert");
  if (!alert || !window.fetch) { return; }
  var url = alert.getAttribute("data-help-count");
  var shown = parseInt(alert.getAttribute("data-shown") || "0", 10);
  function ask() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer && typeof answer.waiting === "number") {
          alert.hidden = answer.waiting <= shown;
          if (answer.waiting < shown) { shown = answer.waiting; }
        }
        window.setTimeout(ask, 10000);
      })
      .catch(function () { window.setTimeout(ask, 30000); });
  }
  window.setTimeout(ask, 10000);
})();
