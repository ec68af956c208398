"""One folder per channel: its client, mapping to the inbound message, sender, routes and sample payloads."""
