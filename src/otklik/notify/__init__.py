"""Outbound delivery back to channels: the sender contract, discovery, rate limits and the delivery worker."""
