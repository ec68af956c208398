"""The HTTP face: app factory, routers per feature, API schemas, problem responses, pages."""
