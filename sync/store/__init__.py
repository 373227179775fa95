"""The consolidated store: every team's template rows, with lineage, quarantine and audit."""
