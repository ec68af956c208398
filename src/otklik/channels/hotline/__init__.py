"""Hotline and 112: operator entry of calls and import of call cards; the answer goes back by a call."""
