"""Teams activity handling: activities in, domain commands out, cards and messages back."""
