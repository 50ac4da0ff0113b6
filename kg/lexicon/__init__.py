"""The lexicon: pure functions over strings and the shipped code lists, shared by every layer.

Word lists are data (`words.yaml`); the rules that read them are here, once: government levels and
budget phases with their labels, programme and fund name keys (`programme_key`, `names_match`,
`fund_core`), 文号 parsing (`docnumbers`), classification code look-ups (`classification`) and
indicator concepts (`concepts`). The lexicon imports only `kg.records`, `kg.vocab` and
`kg.resources`: readers, extractors, the mapping, queries and the service may all use it.
"""
