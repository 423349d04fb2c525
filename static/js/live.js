// Every page with htmx panels: the session ending, and live updates that never disturb the user.
(function () {
  var signedOut = false;
  var sources = [];

  function liveStatus(text) {
    var el = document.getElementById("live-status");
    if (!el) return;
    el.classList.add("live-down");
    var t = el.querySelector(".live-text");
    if (t) t.textContent = text;
  }

  // The session has gone (signed out in another tab, or expired): say so, stop every live
  // request and the event stream. Answers were 401 (htmx swaps none), so no panel shows a
  // login page.
  function sessionExpired() {
    if (signedOut) return;
    signedOut = true;
    document.body.classList.add("signed-out");
    var banner = document.getElementById("session-expired");
    if (banner) {
      var link = banner.querySelector("a");
      if (link) link.href = "/accounts/login/?next=" + encodeURIComponent(location.pathname + location.search);
      banner.hidden = false;
    }
    liveStatus("Signed out — not updating");
    document.querySelectorAll("[sse-connect]").forEach(function (el) {
      el.removeAttribute("sse-connect"); // the sse extension reconnects only while it is there
    });
    sources.forEach(function (source) { source.close(); });
    document.dispatchEvent(new CustomEvent("scc:signed-out"));
  }
  document.addEventListener("session-expired", sessionExpired);
  document.addEventListener("htmx:sseOpen", function (evt) {
    var source = evt.detail && evt.detail.source;
    if (!source || sources.indexOf(source) >= 0) return;
    sources.push(source);
    source.addEventListener("session-expired", sessionExpired);
  });
  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (signedOut) evt.preventDefault();
  });
  document.addEventListener("htmx:responseError", function (evt) {
    if (evt.detail.xhr && evt.detail.xhr.status === 401) sessionExpired();
  });

  // A panel the user is working in: an open form, focus on a control, or text not yet sent.
  function busy(panel) {
    if (panel.querySelector("details[open] form")) return true;
    var active = document.activeElement;
    if (active && active !== document.body && panel.contains(active) &&
        active.matches("input, textarea, select, button, summary")) return true;
    var fields = panel.querySelectorAll("input[type=text], input:not([type]), textarea");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value !== fields[i].defaultValue) return true;
    }
    return false;
  }

  function markStale(panel) {
    if (panel.querySelector(":scope > .panel-updated")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "panel-updated";
    button.textContent = "Updated — refresh";
    button.addEventListener("click", function () {
      var url = panel.getAttribute("hx-get");
      panel.setAttribute("data-refresh-asked", "");
      if (url) htmx.ajax("GET", url, { target: panel, swap: "outerHTML" });
    });
    panel.insertBefore(button, panel.firstChild);
  }

  // A live update (a GET the page did not ask for by a click) never replaces a busy panel:
  // the panel keeps what the user is doing and says there is something newer.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    var request = evt.detail.requestConfig;
    if (!target || !request || request.verb !== "get") return;
    if (target.hasAttribute("data-refresh-asked")) return; // "Updated — refresh" was pressed
    if (!evt.detail.shouldSwap || !busy(target)) return;
    evt.detail.shouldSwap = false;
    markStale(target);
  });

  // A form that has been sent is done with: close it so the next update can replace the panel.
  document.addEventListener("htmx:afterRequest", function (evt) {
    var form = evt.detail.elt;
    if (!evt.detail.successful || !form || form.tagName !== "FORM") return;
    form.reset(); // its text has been sent: nothing unsaved left
    var details = form.closest("details");
    if (details) details.open = false;
    if (form.contains(document.activeElement)) document.activeElement.blur();
  });
})();
