"""Views of the offenders app."""
