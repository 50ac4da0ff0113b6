"""RDF mapping: records in, quads out. Knows nothing about parsing."""
