"""The anonymous question box: a visitor asks a mediator in writing and fetches the answer with a pick-up code."""
