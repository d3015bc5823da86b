"""layerwise: a Dockerfile language server and linter."""

__version__ = "0.1.0"
