"""A term card and what opens it: lookup results, comparisons, Explain glossary terms, and the Helpful? block."""
