// Saves each answer of a survey section as it is given (the form still posts whole sections
// without JavaScript). A question's answer and note are sent alone; the page says when it saved.
(function () {
  "use strict";
  var form = document.querySelector("form.section-form[data-autosave=on]");
  if (!form) { return; }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function save(fieldset) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    fieldset.querySelectorAll("input[type=radio]:checked, textarea").forEach(function (input) {
      data.append(input.name, input.value);
    });
    var status = fieldset.querySelector(".autosave-status");
    status.textContent = "Saving…";
    fetch(window.location.href, {
      method: "POST",
      body: data,
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok && response.status !== 422) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var reply = new DOMParser().parseFromString(html, "text/html").body.textContent;
      status.textContent = reply.trim();
    }).catch(function () {
      status.textContent = "Not saved: use the Save button below.";
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (fieldset) { save(fieldset); }
  });
})();
