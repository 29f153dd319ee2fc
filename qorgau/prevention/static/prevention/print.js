// The certificate's Print button: shown only where JavaScript runs (the page prints without it too).
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
