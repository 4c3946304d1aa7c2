"""The user-facing verbs: batch, export, audit, show, compare, evaluate, bench."""
