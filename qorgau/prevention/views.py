"""Views of the prevention app."""
