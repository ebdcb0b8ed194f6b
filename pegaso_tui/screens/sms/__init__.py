"""The SMS masks (1-5) and the send preview."""
