"""Full-text search of appeals in Russian: PostgreSQL `russian` text search, or SQLite FTS5 over pymorphy3 lemmas.

Both search the masked text only (docs/search.md): a search on a name must not tell a reader who cannot see
personal data which appeal that person wrote."""
