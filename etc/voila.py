"""Voilà settings that need Python (etc/voila.json holds the rest; Voilà reads both).

plotly's FigureWidget bundle (about 5 MB) is published with the server's extension files, so a
page fetches it once over HTTP instead of receiving it inside every figure widget's state
through the kernel (see itb_edu/figure_widget.py and docs/classroom.md).
"""

from itb_edu.serving import publish_plotly_bundle

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
c.VoilaConfiguration.extra_labextensions_path.append(publish_plotly_bundle())
