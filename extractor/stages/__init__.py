"""The text stages, pure functions over blocks, in pipeline order."""
