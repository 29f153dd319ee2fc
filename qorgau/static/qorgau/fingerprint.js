// Hash only: "send only a fingerprint of a picture". The browser computes each chosen file's
// SHA-256 (Web Crypto) and writes it, with the file's name, into a hidden field "fingerprint";
// the picture itself never leaves the phone: its file input has no name, so the browser cannot
// send it, and it is emptied once read. Without JavaScript (or Web Crypto) the option stays
// folded and its text says it needs JavaScript.
(function () {
  "use strict";
  var box = document.querySelector("[data-fingerprint]");
  if (!box || !window.crypto || !window.crypto.subtle || !window.FileReader) return;
  var picker = box.querySelector(".fingerprint-picker");
  var input = box.querySelector("input[type=file]");
  var list = box.querySelector(".fingerprint-list");
  var values = box.querySelector(".fingerprint-values");
  if (!picker || !input || !list || !values) return;
  picker.hidden = false;
  var needsJs = box.querySelector(".fingerprint-needs-js");
  if (needsJs) needsJs.hidden = true;

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    }).join("");
  }

  function read(file) {
    if (file.arrayBuffer) return file.arrayBuffer();
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsArrayBuffer(file);
    });
  }

  // One line of the list per fingerprint, and its hidden field (a fingerprint shown again
  // after the server sent the form back has its field already).
  function show(name, field) {
    var item = document.createElement("li");
    var text = document.createElement("span");
    text.textContent = name ? name + ": " : "";
    var state = document.createElement("span");
    state.className = "fingerprint-state";
    item.appendChild(text);
    item.appendChild(state);
    list.appendChild(item);
    function ready(hidden) {
      state.textContent = box.getAttribute("data-ready");
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button";
      remove.textContent = box.getAttribute("data-remove");
      remove.setAttribute("aria-label", box.getAttribute("data-remove") + " " + name);
      remove.addEventListener("click", function () {
        hidden.remove();
        item.remove();
        input.focus();
      });
      item.appendChild(remove);
    }
    if (field) ready(field);
    return {item: item, state: state, ready: ready};
  }

  Array.prototype.forEach.call(values.querySelectorAll("input[type=hidden]"), function (field) {
    var value = field.value || "";
    show(value.slice(65), field);
  });

  var pending = 0;
  var sendWhenDone = false;
  var form = box.closest("form");
  function done() {
    pending -= 1;
    if (pending === 0 && sendWhenDone && form) form.submit();
  }

  input.addEventListener("change", function () {
    var files = Array.prototype.slice.call(input.files || []);
    files.forEach(function (file) {
      var line = show(file.name);
      line.state.textContent = box.getAttribute("data-working");
      pending += 1;
      read(file).then(function (buffer) {
        return window.crypto.subtle.digest("SHA-256", buffer);
      }).then(function (digest) {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "fingerprint";
        hidden.value = hex(digest) + " " + file.name;
        values.appendChild(hidden);
        line.ready(hidden);
        done();
      }, function () {
        line.state.textContent = box.getAttribute("data-failed");
        line.item.classList.add("error");
        done();
      });
    });
    input.value = "";  // the picture is read: nothing of it stays in the form
  });

  if (form) form.addEventListener("submit", function (event) {
    // What cannot happen (the input has no name), made sure of: no file of this input is sent.
    input.value = "";
    // "Send" pressed while a fingerprint is still being made: sent as soon as it is ready.
    if (pending > 0) {
      event.preventDefault();
      sendWhenDone = true;
    }
  });
})();
