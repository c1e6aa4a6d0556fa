"""Registration figures without personal data: a statistics row per finished registration, the Cijfers page, the API."""
