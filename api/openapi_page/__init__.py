"""The OpenAPI page: the schema at /api/openapi.json and Swagger UI at /docs, served from our own origin."""
