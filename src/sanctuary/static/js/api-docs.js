// /api/docs: start the vendored Swagger UI on the schema named by the page (no inline script,
// for the Content Security Policy). Writes tried from here carry the page's CSRF token.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var csrf = root.getAttribute("data-csrf-token");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    layout: "BaseLayout",
    validatorUrl: null, // no call to swagger.io's validator
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (csrf && method !== "GET" && method !== "HEAD") {
        request.headers["X-CSRFToken"] = csrf;
      }
      return request;
    },
  });
})();
