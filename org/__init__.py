"""The organisation: units in a tree, staff with roles, and who may act where (SPEC §1, §2)."""
