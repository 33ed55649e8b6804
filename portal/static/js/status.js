// The status lookup shows its "too many attempts" answer in place: htmx swaps no 4xx by default
// (the portal's htmx-config), so the one region that renders its own 429 opts in.
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  if (event.detail.xhr.status === 429 && target && target.closest("[data-swap-429]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
