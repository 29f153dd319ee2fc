// "Leave this site quickly": replace this page (and its place in the history) with a neutral one.
// Without JavaScript the button is an ordinary link to the same neutral page.
(function () {
  "use strict";
  var button = document.getElementById("quick-exit");
  if (!button) return;
  function leave(event) {
    if (event) event.preventDefault();
    document.body.style.display = "none";
    document.title = "";
    window.location.replace(button.href);
  }
  button.addEventListener("click", leave);
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 800) leave(event);
    lastEscape = now;
  });
})();
