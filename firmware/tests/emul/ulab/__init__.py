"""Emulated `ulab` (OpenMV bundles ulab, numpy-like arrays): only what the firmware uses."""
