"""mlkit: the engine of the SageMaker AI study kit.

Each topic of the course is a module or subpackage here (``mlkit.datasets``,
``mlkit.quiz``, ``mlkit.inference``, ...). Importing ``mlkit`` is cheap: the
heavy libraries (pandas, scikit-learn, xgboost, shap) are imported by the
functions that use them, never here.

``%load_ext mlkit`` in a notebook registers the kit's magics; the IPython
integration lives at the edge, in :mod:`jupyter_mlkit`, and is imported only
when the extension is loaded.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load_ipython_extension", "unload_ipython_extension"]


def load_ipython_extension(ipython):
    """Entry point of ``%load_ext mlkit`` (delegates to :mod:`jupyter_mlkit`)."""
    from jupyter_mlkit.magics import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython):
    """Entry point of ``%unload_ext mlkit``."""
    from jupyter_mlkit.magics import unload_ipython_extension as _unload

    _unload(ipython)
