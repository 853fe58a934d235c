"""Knowledge base: loading, chunking, indexing, retrieval and cited answers."""
