"""Action server of the intake assistant: form validation, summary, hand-off to the backend."""
