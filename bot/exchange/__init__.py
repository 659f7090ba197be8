"""The glossary in the standard exchange formats: SKOS (rdflib), TBX-Basic, Vale vocabularies, CSV."""
