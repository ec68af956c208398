"""Renderings of the weekly report: XLSX (openpyxl) and PDF (WeasyPrint, charts and the map by matplotlib)."""
