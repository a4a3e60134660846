"""Jupyter integration of the kit, at the edge.

It uses the engine (:mod:`mlkit`) and the views (:mod:`widgets`); neither of
them imports it. ``%load_ext mlkit`` lands in :mod:`jupyter_mlkit.magics`.
"""
