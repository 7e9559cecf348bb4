// The service form's recurrence picker: show only the fields that apply to the chosen
// "repeats" (and, for a monthly or yearly service, to "which day"). Without JavaScript every
// field shows and the server ignores those that do not apply.
(function () {
  "use strict";

  function value(form, suffix) {
    var field = form.querySelector("[name$='-" + suffix + "']");
    return field ? field.value : "";
  }

  function update(form) {
    var repeats = value(form, "repeats");
    var which = value(form, "which");
    form.querySelectorAll("[data-repeats]").forEach(function (input) {
      var field = input.closest(".field");
      if (!field) { return; }
      var shown = input.dataset.repeats.split(" ").indexOf(repeats) >= 0;
      var name = input.name || "";
      if (/-month_day$/.test(name)) {
        shown = shown && which === "date";
      } else if (/-weekdays$/.test(name) && repeats !== "weekly") {
        shown = shown && which !== "date";
      }
      field.hidden = !shown;
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[name$='-repeats']")) { return; }
    update(form);
    form.addEventListener("change", function () { update(form); });
  });
})();
