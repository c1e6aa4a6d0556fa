"""Custom Rasa NLU components: the crisis safety net and language detection."""
