{% load i18n %}// Qorgau red button. Add to any page:
//   <script src="{{ form_url|slice:':-8' }}widget.js" data-lang="kk" data-corner="bottom-right" async></script>
// It draws one button that opens the report form in a new tab. It sets no cookies, sends nothing
// anywhere, loads nothing else, and does not read the page it is on.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__qorgauButton) return;
  window.__qorgauButton = true;
  var labels = {kk: "Хабарлау", ru: "Сообщить", en: "Report"};
  var titles = {
    kk: "Біреу сені қорқытса не мазаңды алса, бізге хабарла. Атыңды айтпауыңа болады.",
    ru: "Если тебя пугают или к тебе пристают — сообщи. Можно не называть себя.",
    en: "If someone scares or bothers you, tell us. You can stay anonymous."
  };
  var lang = (script.getAttribute("data-lang") || document.documentElement.lang || "ru").slice(0, 2).toLowerCase();
  if (!labels[lang]) lang = "ru";
  var corner = script.getAttribute("data-corner") || "bottom-right";
  if (["bottom-right", "bottom-left", "top-right", "top-left"].indexOf(corner) < 0) corner = "bottom-right";
  var vertical = corner.split("-")[0], horizontal = corner.split("-")[1];

  function draw() {
    var host = document.createElement("div");
    host.setAttribute("data-qorgau-button", "");
    host.style.cssText = "position:fixed;z-index:2147483646;" + vertical + ":16px;" + horizontal + ":16px;";
    var root = host.attachShadow ? host.attachShadow({mode: "closed"}) : host;
    var link = document.createElement("a");
    link.href = "{{ form_url|escapejs }}?lang=" + lang + "&src=widget";
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = labels[lang];
    link.title = titles[lang];
    link.setAttribute("aria-label", labels[lang] + " — " + titles[lang]);
    link.style.cssText = [
      "display:inline-block", "font:800 18px/1.2 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif",
      "color:#fff", "background:#b00020", "padding:14px 26px", "border-radius:999px",
      "box-shadow:0 4px 0 #8a0019,0 6px 16px rgba(0,0,0,.25)", "text-decoration:none",
      "letter-spacing:.02em", "outline-offset:3px"
    ].join(";");
    root.appendChild(link);
    document.body.appendChild(host);
  }
  if (document.body) draw(); else document.addEventListener("DOMContentLoaded", draw);
})();
