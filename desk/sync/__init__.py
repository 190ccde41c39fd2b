"""The road to the centre: the canonical codec, bundles, the push and the hub."""
