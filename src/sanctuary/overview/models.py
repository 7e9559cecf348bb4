"""The overview keeps no table of its own: it composes what each domain's `figures.py` reads
through that domain's doors (sources.py lists them; sanctuary/figures.py holds the shapes)."""
