"""Read models that gather many domains: the customer 360, its timeline, the customer list with
scores and the dashboard figures.

This package sits above the domain apps and below web and api (see the layers contract in
pyproject.toml): it may read from customers, orders, support, feedback, activities and
intelligence, and none of them may import it. It has no models and writes nothing.
"""
