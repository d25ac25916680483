// Progressive enhancement only: without this file every form still works as a plain post.
(function () {
  "use strict";
  var log = document.getElementById("log");
  if (!log || !window.fetch || !window.URLSearchParams) return;
  var last = parseInt(log.getAttribute("data-last"), 10) || 0;
  var polling = false, pressed = null;

  function notes(html) {
    // shown once, after the newest message (a reload does not bring them back)
    if (html) log.insertAdjacentHTML("beforeend", html);
  }
  function add(html) {
    // a poll and a post can both bring the same message: keep one copy of each id
    var box = document.createElement("div");
    box.innerHTML = html;
    while (box.firstElementChild) {
      var item = box.firstElementChild;
      if (item.id && document.getElementById(item.id)) box.removeChild(item);
      else log.appendChild(item);
    }
  }
  function bar(html) {
    // the hand-off bar: there while a case is open, gone when it closes
    var old = document.querySelector(".bar");
    if (old) old.parentNode.removeChild(old);
    if (html) log.insertAdjacentHTML("afterend", html);
  }
  function show(d) {
    if (d.reload) {
      location.replace("/");
      return;
    }
    if (d.html) add(d.html);
    if (d.last > last) last = d.last;
    notes(d.notes);
    if (d.bar !== undefined) bar(d.bar);
    if (d.live && !polling) poll();
    toEnd();
  }
  function toEnd() {
    // to the very end: the message box then sits in its place under the newest message
    // and the hand-off bar, instead of sticking over them
    window.scrollTo(0, document.body.scrollHeight);
  }
  function poll() {
    polling = true;
    fetch("/poll?after=" + last, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw r; return r.json(); })
      .then(function (d) { show(d); if (d.reload) return; if (d.live || d.html) poll(); else polling = false; })
      .catch(function () { setTimeout(poll, 5000); });
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button") : null;
    pressed = b && b.name ? b : null;
  });
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.hasAttribute("data-plain") || f.method.toLowerCase() !== "post") return;
    e.preventDefault();
    var body = new URLSearchParams(new FormData(f));
    if (pressed && pressed.form === f) body.set(pressed.name, pressed.value);
    pressed = null;
    body.set("after", last);
    f.classList.add("busy");
    fetch(f.action, {method: "POST", body: body, credentials: "same-origin",
                     headers: {Accept: "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        f.classList.remove("busy");
        var t = f.querySelector("textarea");
        if (t) t.value = "";
        show(d);
      })
      .catch(function () { f.classList.remove("busy"); f.submit(); });
  });
  var say = document.querySelector("#say textarea");
  if (say) say.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && say.value.trim()) {
      e.preventDefault();
      say.form.requestSubmit ? say.form.requestSubmit() : say.form.submit();
    }
  });
  if (document.body.hasAttribute("data-live")) poll();
  if (last > 0) toEnd();  // a conversation: show its end; the greeting: show its top
})();
