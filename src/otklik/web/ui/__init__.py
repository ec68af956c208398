"""The people's workplace: server-rendered Russian pages on the same services as the API (docs/ui.md)."""
