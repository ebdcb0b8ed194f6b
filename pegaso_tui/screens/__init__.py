"""One module per mask; ``base`` holds what they share."""
