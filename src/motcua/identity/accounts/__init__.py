"""See docs/identity.md."""
