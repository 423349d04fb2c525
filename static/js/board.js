// Live board: when the event stream drops, poll every 15 s (ETag: mostly 304) until it is back.
(function () {
  var timer = null;
  var signedOut = false;
  function status(text, ok) {
    var el = document.getElementById("live-status");
    if (!el || signedOut) return;
    el.classList.toggle("live-down", !ok);
    var t = el.querySelector(".live-text");
    if (t) t.textContent = text;
  }
  document.addEventListener("htmx:sseError", function () {
    status("Reconnecting… (refreshing every 15 s)", false);
    if (!timer && !signedOut) timer = setInterval(function () { htmx.trigger(document.body, "poll"); }, 15000);
  });
  document.addEventListener("htmx:sseOpen", function () {
    status("Live", true);
    if (timer) { clearInterval(timer); timer = null; htmx.trigger(document.body, "poll"); }
  });
  // live.js: the session has gone; nothing more to poll.
  document.addEventListener("scc:signed-out", function () {
    signedOut = true;
    if (timer) { clearInterval(timer); timer = null; }
  });
})();
