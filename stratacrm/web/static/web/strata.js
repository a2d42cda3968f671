// Behaviour of Strata pages, kept out of the HTML: the Content-Security-Policy allows no inline scripts.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
    target.form.submit();
  }
});

// A fragment swapped in by htmx briefly shows that it changed (the new grade after logging an event).
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.target;
  if (target instanceof HTMLElement && target.hasAttribute("data-flash")) {
    target.classList.remove("flash");
    void target.offsetWidth;
    target.classList.add("flash");
  }
});

// Buttons that copy a value into a field (e.g. "did you mean …?" suggestions of the rule editor).
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-replace-text]") : null;
  if (!button) return;
  const field = document.getElementById(button.getAttribute("data-field") || "");
  if (field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement) {
    field.value = field.value.split(button.getAttribute("data-replace-text")).join(button.getAttribute("data-with"));
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  }
});
