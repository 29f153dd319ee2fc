// The report form, one step at a time. Without JavaScript every step is shown on one page.
(function () {
  "use strict";
  var form = document.querySelector(".report-form");
  if (!form) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
  if (steps.length < 2) return;
  var hasErrors = form.querySelector(".has-error, .form-errors");
  var labels = JSON.parse(document.getElementById("step-labels").textContent);
  var current = 0;
  if (hasErrors) {
    // show the first step with a problem
    for (var i = 0; i < steps.length; i++) {
      if (steps[i].querySelector(".has-error")) { current = i; break; }
    }
  }
  form.classList.add("stepped");
  steps.forEach(function (step, index) {
    var nav = document.createElement("p");
    nav.className = "step-nav";
    if (index > 0) {
      var back = document.createElement("button");
      back.type = "button";
      back.className = "button";
      back.textContent = labels.back;
      back.addEventListener("click", function () { show(index - 1); });
      nav.appendChild(back);
    }
    if (index < steps.length - 1) {
      var next = document.createElement("button");
      next.type = "button";
      next.className = "button primary";
      next.textContent = labels.next;
      next.addEventListener("click", function () { if (valid(step)) show(index + 1); });
      nav.appendChild(next);
    }
    var progress = document.createElement("span");
    progress.className = "step-progress";
    progress.textContent = labels.step.replace("%(n)s", index + 1).replace("%(total)s", steps.length);
    nav.appendChild(progress);
    step.appendChild(nav);
  });
  function valid(step) {
    // what happened, a few words and who is reporting are needed; the rest is optional
    var choices = {"step-what": "category", "step-who": "relation"}[step.id];
    if (!choices) return true;
    var alert = step.querySelector(".step-alert");
    if (!alert) {
      alert = document.createElement("p");
      alert.className = "error step-alert";
      alert.setAttribute("role", "alert");
      step.querySelector(".step-nav").before(alert);
    }
    alert.textContent = "";
    if (!step.querySelector("input[name=" + choices + "]:checked")) {
      alert.textContent = labels.choose;
      step.querySelector("input[name=" + choices + "]").focus();
      return false;
    }
    var text = step.querySelector("textarea[name=narrative]");
    if (text && !text.value.trim()) { alert.textContent = labels.write; text.focus(); return false; }
    return true;
  }
  function show(index, quiet) {
    current = index;
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    var heading = steps[index].querySelector("h2");
    if (heading && !quiet) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }
  show(current, !hasErrors);
  // contact details only when the reporter agrees to be contacted
  var details = form.querySelector(".contact-details");
  function toggleContact() {
    var yes = form.querySelector("input[name=contact][value=contact]");
    if (details && yes) details.hidden = !yes.checked;
  }
  Array.prototype.forEach.call(form.querySelectorAll("input[name=contact]"), function (input) {
    input.addEventListener("change", toggleContact);
  });
  toggleContact();
})();
