// Small behaviours shared by every page (no inline scripts: the CSP forbids them).
document.addEventListener("submit", function (event) {
  // Show that long work (imports, report generation) is under way and block double posts.
  var button = event.target.querySelector("button[data-busy-text]");
  if (button) {
    button.disabled = true;
    button.textContent = button.getAttribute("data-busy-text");
    button.setAttribute("aria-busy", "true");
  }
});

// A table wider than the screen scrolls sideways inside its .table-scroll box; keyboard
// users must be able to reach that box to scroll it (WCAG 2.1.1), so it joins the tab
// order while, and only while, it actually overflows.
(function () {
  function markScrollable() {
    var boxes = document.querySelectorAll(".table-scroll");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { markScrollable(); });
  window.addEventListener("load", function () { markScrollable(); });
  window.addEventListener("resize", function () { markScrollable(); });
  // afterSwap fires in the same task that inserts a lazily loaded panel, so nothing (a
  // keyboard user or a checker) sees the new table before it is reachable; afterSettle
  // runs again once htmx has finished its settling classes.
  document.addEventListener("htmx:afterSwap", function () { markScrollable(); });
  document.addEventListener("htmx:afterSettle", function () { markScrollable(); });
})();
