"""Optional LLM writing (Ollama): client and the refiner that rewrites offline texts under fact checks."""
