"""The grammar shared by several stages: markers, dates, citation patterns, provinces, unit names, frame lines."""
