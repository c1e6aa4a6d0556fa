// Starts Swagger UI on /docs. A file, not an inline script, so the page keeps the strict CSP.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // The default sends the schema to validator.swagger.io; nothing may leave our origin.
    validatorUrl: null,
    deepLinking: false,
  });
});
