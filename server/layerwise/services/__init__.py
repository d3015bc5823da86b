"""Editor services: one pure module per feature (hover, completion, symbols...).

Each takes the parsed document (or its text) and a position in code points and returns
plain data; the LSP layer converts positions and results. Nothing here does I/O except
through a ``Project`` passed in (build-context file names for path completion).
"""
