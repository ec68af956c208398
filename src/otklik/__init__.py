"""Otklik: one system of record for citizen appeals of a regional management center."""

__version__ = "0.1.0"
