"""Adapters at the edge: storage and the message bus."""
