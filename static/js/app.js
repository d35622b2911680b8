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
