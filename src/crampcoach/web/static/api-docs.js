// Starts Swagger UI on /api/docs (a file, not an inline script: the CSP allows only 'self').
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: true });
});
