"""Server settings for the course in JupyterLab (``make lab``; Binder copies this file).

- Kernel websockets send each message at once (no Nagle delay): a control change redraws its
  plot sooner.
- plotly's FigureWidget bundle (about 5 MB) is published with the JupyterLab extension files,
  for JupyterLab and for Voilà pages served by this server, so a page fetches it once over
  HTTP instead of receiving it inside every figure widget's state.
- Voilà pages served by this server leave out the same extensions as `make app`.

See itb_edu/serving.py and docs/classroom.md.
"""

from itb_edu.serving import publish_plotly_bundle

c = get_config()  # noqa: F821 - provided by traitlets when it loads this file
c.ServerApp.kernel_websocket_connection_class = "itb_edu.serving.NoDelayWebsocketConnection"
bundle_folder = publish_plotly_bundle()
c.LabApp.extra_labextensions_path.append(bundle_folder)
c.VoilaConfiguration.extra_labextensions_path.append(bundle_folder)
# Voilà pages served by this server (the Binder app link) leave out what the app view does not
# use, as etc/voila.json does for `make app`; a test keeps the two lists equal.
c.VoilaConfiguration.extension_denylist = [
    "jupyterlab-rise",
    "@voila-dashboards/jupyterlab-preview",
    "jupyterlab-plotly",
]
