"""Loaders for the public data sets the evaluations score the engine on (read from installed
packages). The two corpora the shipped default sentiment model is trained on stay in
:mod:`smartcrm.engine.datasets`: the product reads them, so they belong to the runtime."""
