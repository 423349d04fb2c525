// Wall display: when the estate is too big for one screen (a national estate), show it a
// screen at a time, every 20 s, each section from its start (a tall one in screenfuls), then
// back to the top: a wall has no one to scroll it.
(function () {
  var PAGE_SECONDS = 20;
  function overflowing() {
    return document.documentElement.scrollHeight > window.innerHeight + 2;
  }
  function stops() {
    var screen = Math.max(window.innerHeight - 80, 200);
    var out = [];
    document.querySelectorAll("#wall-body .wall-section").forEach(function (section) {
      var top = section.getBoundingClientRect().top + window.scrollY - 8;
      for (var y = top; y < top + section.offsetHeight - 40; y += screen) out.push(Math.round(y));
    });
    return out.sort(function (a, b) { return a - b; });
  }
  function page() {
    var paged = window.innerWidth > 1300 && overflowing();
    document.body.classList.toggle("wall-paged", paged);
    if (!paged) { if (window.innerWidth > 1300) window.scrollTo(0, 0); return; }
    var next = stops().filter(function (y) { return y > window.scrollY + 10; })[0];
    window.scrollTo({ top: next === undefined ? 0 : next, behavior: "smooth" });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.body.classList.toggle("wall-paged", window.innerWidth > 1300 && overflowing());
    setInterval(page, PAGE_SECONDS * 1000);
  });
})();
