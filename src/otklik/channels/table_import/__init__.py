"""Import of any CSV or XLSX table of messages, with the columns named by a --map."""
