// The case page's forms: htmx swaps no 4xx but 422 by default (the portal's htmx-config); the
// case's own answers "this case changed" (409) and "not yours now" (403) replace the case region
// (the server retargets them to #case), so the official sees why nothing was saved.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  var target = event.detail.target;
  if ((status === 409 || status === 403) && target && target.closest("[data-case]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
