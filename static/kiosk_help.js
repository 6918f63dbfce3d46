// "Ohjaaja auttaa": the kiosk notices the instructor's answer by itself.
// It asks every few seconds and, once answered, sends the page's own
// "Onko ohjaaja jo hyväksynyt?" form: no reloads meanwhile, the focus stays
// where it is, and the status line tells a screen reader what happens.
(function () {
  "use strict";
  var status = document.querySelector("[data-help-status]");
  var form = document.getElementById("help-check");
  if (!status || !form || !window.fetch) { return; }
  var url = status.getAttribute("data-help-status");
  var done = false;
  function ask() {
    if (done) { return; }
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : { state: "waiting" }; })
      .then(function (answer) {
        if (answer.state === "waiting") { window.setTimeout(ask, 2000); return; }
        done = true;
        status.textContent = status.getAttribute(answer.state === "approved" ? "data-approved" : "data-answered");
        form.submit();
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 2000);
})();
