"""Jupyter integration of the kit, at the edge.

It uses the engine (:mod:`mlkit`) and the views (:mod:`widgets`); neither of
them imports it. ``%load_ext mlkit`` lands in :mod:`jupyter_mlkit.magics`.
"""


def _jupyter_labextension_paths():
    """Where the prebuilt JupyterLab extension lives (for ``jupyter labextension develop``)."""
    return [{"src": "labextension", "dest": "mlkit-labextension"}]
