// Choosing a photo or a file uploads it at once (the form still works without JavaScript:
// the person presses "Add"). Loaded only on pages with upload forms.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.files.length) return;
  var form = input.closest("form.upload");
  if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
});
