// Enhancement only: a dialog warns before the session times out and keeps it
// going without leaving the page, so nothing typed is lost. Without
// JavaScript the header shows the end time and a link to continue.
(function () {
  "use strict";
  var body = document.body;
  var dialog = document.getElementById("session-dialog");
  var form = document.getElementById("session-extend");
  if (!body.dataset.sessionSeconds || !dialog || !form || typeof dialog.showModal !== "function") {
    return;
  }
  var WARN_MS = 3 * 60 * 1000;
  var timer = null;

  function schedule(endsAt) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (!dialog.open) { dialog.showModal(); }
    }, Math.max(0, endsAt - WARN_MS - Date.now()));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (answer) {
      dialog.close();
      // Seconds from now, not the server's clock time: a device whose clock
      // is wrong (a kiosk, a phone) still warns in time.
      var endsAt = Date.now() + answer.seconds_left * 1000;
      // Near the session's absolute end there is nothing left to extend.
      if (endsAt - Date.now() > WARN_MS) { schedule(endsAt); }
    }).catch(function () { form.submit(); });  // let the server show what happened
  });

  schedule(Date.now() + Number(body.dataset.sessionSeconds) * 1000);
}());
