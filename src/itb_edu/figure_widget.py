"""plotly ``FigureWidget`` whose 5 MB JavaScript bundle the browser fetches once, when it can.

plotly's ``FigureWidget`` is an anywidget: every instance carries the whole front-end bundle
(plotly.js and the widget view, about 5 MB) in its ``_esm`` state. A page with two figure
widgets therefore receives about 10 MB of JSON through the kernel before anything can draw,
and the browser evaluates the bundle once per widget.

The course servers (``make app``, ``make lab``, Binder through ``postBuild``) publish
plotly's ``package_data`` folder among their JupyterLab extension files and tell their kernels
so through the environment variable :data:`SERVED_BUNDLE_ENV` (see
:func:`itb_edu.serving.publish_plotly_bundle`). In such a kernel, :func:`figure_widget`
replaces the bundle in the widget state with a loader of a few hundred bytes that imports the
served file: one cacheable HTTP request per page, evaluated once however many figures the page
holds. Anywhere else (another JupyterLab, a JupyterHub) it returns plotly's own
``FigureWidget`` unchanged, so the course works everywhere and is faster where it is served.

In a Voilà app view of such a server, :func:`register_widget_renderer` also shows ordinary
figures as these widgets, so the page needs no second copy of plotly.js.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import plotly

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "SERVED_BUNDLE_ENV",
    "WIDGET_RENDERER",
    "bundle_dir",
    "figure_widget",
    "in_served_app_view",
    "loader",
    "register_widget_renderer",
    "served_figure_widget_class",
]

#: Set (to "1") in the environment of kernels whose server publishes :func:`bundle_dir`.
SERVED_BUNDLE_ENV = "ITB_EDU_PLOTLY_BUNDLE_SERVED"

#: Voilà sets this variable in the environment of every kernel it starts.
VOILA_ENV = "VOILA_SERVER_URL"

#: plotly renderer that shows a figure as a served figure widget (see :func:`in_served_app_view`).
WIDGET_RENDERER = "itb_edu_figure_widget"

_LOADER = """\
// itb-edu: import plotly's FigureWidget bundle from the server (once per page), not from
// the widget state. See itb_edu/figure_widget.py.
const VERSION = %(version)s;

function bundleUrl() {
  const node = document.getElementById("jupyter-config-data");
  const base = node ? JSON.parse(node.textContent).fullLabextensionsUrl : null;
  if (!base) {
    throw new Error("itb-edu: this page has no JupyterLab extension URL to load plotly from");
  }
  const url = new URL(base.replace(/\\/$/, "") + "/widgetbundle.js", document.baseURI);
  url.searchParams.set("v", VERSION);
  return url.href;
}

export default async () => {
  const widget = (await import(/* webpackIgnore: true */ bundleUrl())).default;
  return typeof widget === "function" ? widget() : widget;
};
"""


def bundle_dir() -> Path:
    """Return plotly's ``package_data`` folder, which holds ``widgetbundle.js``."""
    return Path(plotly.__file__).parent / "package_data"


def loader() -> str:
    """Return the ES module that stands in for the bundle in a served widget's state."""
    return _LOADER % {"version": json.dumps(plotly.__version__)}


@cache
def served_figure_widget_class() -> type[go.FigureWidget]:
    """Return plotly's ``FigureWidget`` subclass that imports its bundle from the server.

    Built on first use, so that importing this module (the servers do) stays light. Use it
    only where the server publishes :func:`bundle_dir` (see :func:`figure_widget`).
    """
    import plotly.graph_objects as go

    return type(
        "ServedFigureWidget",
        (go.FigureWidget,),
        {"_esm": loader(), "__module__": __name__, "__doc__": served_figure_widget_class.__doc__},
    )


def figure_widget(*args, **kwargs) -> go.FigureWidget:
    """Create a ``FigureWidget``; served-bundle flavour when this kernel's server allows it.

    Parameters
    ----------
    *args, **kwargs
        Exactly those of :class:`plotly.graph_objects.FigureWidget` (``data=``, ``layout=``).

    Returns
    -------
    plotly.graph_objects.FigureWidget
        An instance of :func:`served_figure_widget_class` when the environment variable
        :data:`SERVED_BUNDLE_ENV` is ``"1"``, otherwise plotly's own ``FigureWidget``.
    """
    if os.environ.get(SERVED_BUNDLE_ENV) == "1":
        return served_figure_widget_class()(*args, **kwargs)
    import plotly.graph_objects as go

    return go.FigureWidget(*args, **kwargs)


def in_served_app_view() -> bool:
    """Tell whether this kernel belongs to a Voilà app view that publishes the bundle.

    There, figures are best shown as served figure widgets too: the page then needs one copy
    of plotly.js (the widget bundle) instead of two, and Voilà never saves the page, so
    nothing is lost by showing a figure as a widget. ``make app`` also leaves the
    jupyterlab-plotly extension out of the page (``etc/voila.json``).
    """
    return os.environ.get(SERVED_BUNDLE_ENV) == "1" and bool(os.environ.get(VOILA_ENV))


@cache
def register_widget_renderer() -> str:
    """Register the plotly renderer :data:`WIDGET_RENDERER` and return its name.

    The renderer shows each figure as a :func:`served_figure_widget_class` widget, with the
    figure's data, layout and frames. Use it only where :func:`in_served_app_view` is true.
    """
    import plotly.io as pio
    from plotly.io.base_renderers import MimetypeRenderer

    widget_class = served_figure_widget_class()

    class FigureWidgetRenderer(MimetypeRenderer):
        """Show a figure as a figure widget whose bundle the server publishes."""

        def to_mimebundle(self, fig_dict):
            widget = widget_class(
                data=fig_dict.get("data"),
                layout=fig_dict.get("layout"),
                frames=fig_dict.get("frames"),
            )
            return widget._repr_mimebundle_()

    pio.renderers[WIDGET_RENDERER] = FigureWidgetRenderer()
    return WIDGET_RENDERER
