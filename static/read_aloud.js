// Enhancement only: where the browser can speak, a button reads the question
// and its choices aloud in the page's language. Without speech synthesis or
// without JavaScript the button stays hidden and the page works as it is.
(function () {
  "use strict";
  var box = document.querySelector(".read-aloud");
  if (!box || !("speechSynthesis" in window) || typeof SpeechSynthesisUtterance !== "function") {
    return;
  }
  var form = box.closest("form");
  var button = box.querySelector("button");
  function text() {
    var parts = [];
    var heading = form.querySelector("h1");
    if (heading) { parts.push(heading.textContent); }
    form.querySelectorAll(".field__hint, .choice__label, .choice__hint").forEach(function (node) {
      parts.push(node.textContent);
    });
    return parts.map(function (part) { return part.trim(); }).filter(Boolean).join(". ");
  }
  button.addEventListener("click", function () {
    window.speechSynthesis.cancel();
    var utterance = new SpeechSynthesisUtterance(text());
    utterance.lang = box.dataset.lang || document.documentElement.lang;
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  });
  box.hidden = false;
}());
