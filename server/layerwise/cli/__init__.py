"""Command-line front end: ``layerwise check | fix | rules | serve``."""

from .app import main
from .discovery import is_dockerfile_name

__all__ = ["is_dockerfile_name", "main"]
