"""Errors, limits, blocks, normalization, resources and output writing: imports nothing of ours."""
