// Every page: after a form came back with errors, the first invalid field has the focus (not the page's
// top), so a keyboard or screen-reader user lands where the fix is; otherwise a message the server
// flashed (“Version 2 is approved…”) gets it, so it is read out after the reload that followed the form.
const invalid = document.querySelector("main [aria-invalid='true']");
const flashes = document.querySelector("main .flashes");
if (invalid) invalid.focus();
else if (flashes) flashes.focus();
