"""KI-Sprechstunde core."""
