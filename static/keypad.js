// Big number keys for the kiosk's code field; the field itself works without them.
(function () {
  "use strict";
  document.querySelectorAll("[data-keypad-for]").forEach(function (pad) {
    var input = document.getElementById(pad.getAttribute("data-keypad-for"));
    if (!input) { return; }
    var max = parseInt(input.getAttribute("maxlength") || "6", 10);
    var keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0"];
    var labels = { del: pad.getAttribute("data-delete-label") || "⌫" };
    keys.forEach(function (key) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = key === "del" ? labels.del : key;
      if (key === "del") { button.setAttribute("aria-label", pad.getAttribute("data-delete-name") || "Delete"); }
      button.addEventListener("click", function () {
        if (key === "del") { input.value = input.value.slice(0, -1); }
        else if (input.value.length < max) { input.value += key; }
      });
      pad.appendChild(button);
    });
    pad.hidden = false;
  });
})();
