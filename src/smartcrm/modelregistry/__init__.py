"""The model registry: every trained artifact of every kind, its model card, and which version is active.

Intelligence, recommendations, insights and text analysis register what they train here and load
the active artifact of a kind from here; nothing in this app knows how any kind is trained.
"""
