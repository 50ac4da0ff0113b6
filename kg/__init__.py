"""FundKG: a provenance-backed knowledge graph of Chinese public fund flows."""

__version__ = "0.1.0"
