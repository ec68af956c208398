"""The `otklik` command line (Typer): serve, db, analyze, model, import."""
