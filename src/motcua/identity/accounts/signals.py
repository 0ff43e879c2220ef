"""Registry events that change accounts (death, card revocation)."""
