// Progressive enhancement only: every page works without this file.
//
// GOV.UK Frontend's own page template sets these classes with an inline
// <script>. Our Content Security Policy forbids inline scripts, so we set them
// here, before initialising the components (initAll checks for the class).
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// "Copy the post" after a check-in: the text stays selectable without JavaScript.
for (const button of document.querySelectorAll("[data-copy-from]")) {
  const source = document.getElementById(button.dataset.copyFrom);
  const status = button.parentElement.querySelector("[data-copy-status]");
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      if (status) status.textContent = "Copied.";
    } catch {
      source.select();
      if (status) status.textContent = "Select the text and copy it.";
    }
  });
}

// Radios whose options reveal follow-up questions (GOV.UK's conditional reveal, without the aria-expanded
// that ARIA does not allow on a radio): only the chosen option's questions are shown. Without JavaScript
// every question is shown, under the option it belongs to.
for (const radios of document.querySelectorAll("[data-app-reveals]")) {
  const inputs = [...radios.querySelectorAll('input[type="radio"][data-aria-controls]')];
  for (const input of inputs) input.setAttribute("aria-controls", input.dataset.ariaControls);
  const sync = () => {
    for (const input of inputs) {
      document.getElementById(input.dataset.ariaControls)
        ?.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
    }
  };
  radios.addEventListener("change", sync);
  sync();
}
