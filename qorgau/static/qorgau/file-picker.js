// The file button of the public forms: shows, in the page's words, which files are chosen.
// Without JavaScript the button still opens the browser's file chooser (it is a label).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".file-picker"), function (picker) {
    var input = picker.querySelector("input[type=file]");
    var names = picker.querySelector(".file-names");
    if (!input || !names) return;
    function show() {
      var chosen = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      names.textContent = chosen.length ? chosen.join(", ") : names.getAttribute("data-none");
    }
    input.addEventListener("change", show);
    show();
  });
})();
