"""One module per editor feature; see :mod:`layerwise.lsp.editor`."""
