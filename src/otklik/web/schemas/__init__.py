"""API schemas (Pydantic), one module per feature; they never leak into services or the domain."""
