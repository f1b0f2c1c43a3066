// Progressive enhancement only: every page works without this file.
//
// GOV.UK Frontend's own page template sets these classes with an inline
// <script>. Our Content Security Policy forbids inline scripts, so we set them
// here, before initialising the components (initAll checks for the class).
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
