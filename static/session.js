// Enhancement only: a dialog warns before the session times out and keeps it
// going without leaving the page (so nothing typed is lost). Without
// JavaScript the header shows the end time and a link to continue.
(function () {
  "use strict";
  var body = document.body;
  var dialog = document.getElementById("session-dialog");
  var form = document.getElementById("session-extend");
  if (!body.dataset.sessionEnds || !dialog || !form || typeof dialog.showModal !== "function") {
    return;
  }
  var WARN_MS = 3 * 60 * 1000;
  var endsAt = Date.parse(body.dataset.sessionEnds);
  var timer = null;

  function schedule() {
    clearTimeout(timer);
    var delay = Math.max(0, endsAt - WARN_MS - Date.now());
    timer = setTimeout(function () { dialog.showModal(); }, delay);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.ok) {
        endsAt = Date.now() + Number(body.dataset.sessionIdleMs);
        dialog.close();
        schedule();
      } else {
        form.submit();  // let the server show what happened
      }
    }, function () { form.submit(); });
  });

  schedule();
}());
