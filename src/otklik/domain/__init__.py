"""The domain: pure Python objects and rules of a regional management center; no I/O here."""
