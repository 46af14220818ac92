"""Anonymous tips: intake, pseudonyms and relay links, codes, limits, triage, outcomes."""
