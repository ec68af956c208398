"""Background work of the service: the delivery worker, channel pollers, and (later) the deadline scanner."""
