"""The intelligence engine: plain Python on DataFrames, scikit-learn style, no Django.

Django code reaches it through one thin layer (``smartcrm.intelligence``); an import-linter
contract in pyproject.toml keeps Django out.
"""
