"""Custom Rasa NLU components: the crisis safety net, language detection, doubt, and classifiers that skip payloads."""
