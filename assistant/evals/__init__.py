"""Evaluations of retrieval and consultation quality."""
