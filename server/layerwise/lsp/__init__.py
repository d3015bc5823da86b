"""LSP front end: a thin adapter over the analysis layer."""
