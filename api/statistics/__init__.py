"""Registration figures without personal data: finished registrations counted per combination of coarse
categories, the Cijfers page, the API."""
