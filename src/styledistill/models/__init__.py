"""Model sources (a GGUF inside a PyPI wheel, the hub or a local directory, a tiny random model) and loading."""
