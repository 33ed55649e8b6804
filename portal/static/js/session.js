// The idle warning (WCAG 2.2.1): a minute before the 15-minute idle limit ends the session, a
// dialog offers to stay signed in. Without JavaScript the session simply ends and the next page
// says why. Activity is any request the page makes; htmx requests restart the clock too.
(function () {
  "use strict";
  var body = document.body;
  var total = parseInt(body.getAttribute("data-session-seconds") || "0", 10);
  var dialog = document.getElementById("session-warning");
  if (!total || !dialog) { return; }
  var warnTimer = null;
  var endTimer = null;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    dialog.hidden = true;
    warnTimer = setTimeout(function () {
      dialog.hidden = false;
      var button = document.getElementById("stay-signed-in");
      if (button) { button.focus(); }
    }, Math.max(total - 60, 1) * 1000);
    endTimer = setTimeout(function () {
      // The server has ended the session: reload so the page says why, without personal data.
      window.location.reload();
    }, (total + 2) * 1000);
  }

  document.addEventListener("htmx:afterRequest", schedule);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !dialog.hidden) { dialog.hidden = true; }
  });
  schedule();
})();
