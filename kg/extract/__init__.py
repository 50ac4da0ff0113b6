"""Extractors: typed records with provenance from a `Document`. No RDF here."""
