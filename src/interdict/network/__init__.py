"""Company networks: who is owned by, linked to or fronting for a designated party, and how we know.

``interdict.network.analyze(paths)`` reads registry and trade records, resolves them against the
lists, and returns one :class:`~interdict.model.Alert` per entity with ownership (OFAC 50% rule,
EU/UK owned-or-controlled, look-through), proximity and typology reasons, each with its path of FtM
ids and its citation. See docs/network.md.
"""
