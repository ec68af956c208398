"""The message bus behind one interface: in-process by default; a broker-backed relay can replace it."""
