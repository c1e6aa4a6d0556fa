"""Dead letters: hand-offs the action server could not deliver, reported without any personal data."""
