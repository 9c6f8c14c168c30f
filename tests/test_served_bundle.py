"""plotly's widget bundle served once per page, and kernel websockets without Nagle delay.

The browser side (one HTTP fetch of the bundle for a page with two figure widgets) is
tested in tests/browser/test_voila_app.py; ``make app`` and ``make lab`` serving the file in
tests/test_app_server.py and tests/test_lab_server.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly
import plotly.graph_objects as go
import pytest
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from traitlets.config.loader import PyFileConfigLoader

from itb_edu import figure_widget as fw
from itb_edu import serving

ROOT = Path(__file__).resolve().parents[1]


def _data():
    return dict(data=[go.Scatter(x=[0, 1, 2], y=[20.0, 19.8, 19.6])], layout={"height": 300})


def test_without_the_server_flag_plotly_own_widget_is_used(monkeypatch):
    monkeypatch.delenv(fw.SERVED_BUNDLE_ENV, raising=False)
    widget = fw.figure_widget(**_data())
    assert isinstance(widget, go.FigureWidget)
    assert not isinstance(widget, fw.served_figure_widget_class())
    assert len(widget._esm) > 1_000_000  # the whole bundle travels with the widget


@pytest.mark.parametrize("value", ["", "0", "yes", "true"])
def test_only_the_exact_flag_switches_to_the_served_bundle(monkeypatch, value):
    monkeypatch.setenv(fw.SERVED_BUNDLE_ENV, value)
    assert not isinstance(fw.figure_widget(**_data()), fw.served_figure_widget_class())


def test_served_widget_carries_a_small_loader_and_behaves_like_plotly(monkeypatch):
    monkeypatch.setenv(fw.SERVED_BUNDLE_ENV, "1")
    widget = fw.figure_widget(**_data())
    assert isinstance(widget, go.FigureWidget)
    assert isinstance(widget, fw.served_figure_widget_class())
    assert fw.served_figure_widget_class() is fw.served_figure_widget_class()  # built once
    assert len(widget._esm) < 2_000
    assert json.dumps(plotly.__version__) in widget._esm  # cache key = plotly version
    assert "/widgetbundle.js" in widget._esm
    with widget.batch_update():
        widget.data[0].y = [20.0, 19.5, 19.0]
        widget.layout.title = "after"
    assert widget.data[0].y == (20.0, 19.5, 19.0)
    assert widget.layout.title.text == "after"


def test_the_loader_points_at_a_file_that_exists():
    assert (fw.bundle_dir() / "widgetbundle.js").is_file()
    assert (fw.bundle_dir() / "widgetbundle.js").stat().st_size > 1_000_000


def test_publish_plotly_bundle_sets_the_flag_for_kernels(monkeypatch):
    monkeypatch.setenv(fw.SERVED_BUNDLE_ENV, "placeholder")  # restored after the test
    folder = serving.publish_plotly_bundle()
    assert Path(folder) == fw.bundle_dir()
    assert serving.os.environ[fw.SERVED_BUNDLE_ENV] == "1"


def _load(path: Path):
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def test_voila_python_config_publishes_the_bundle(monkeypatch):
    monkeypatch.setenv(fw.SERVED_BUNDLE_ENV, "placeholder")
    config = _load(ROOT / "etc" / "voila.py")
    assert config.VoilaConfiguration.extra_labextensions_path.get_value([]) == [
        str(fw.bundle_dir())
    ]
    room = json.loads((ROOT / "etc" / "voila.json").read_text())
    assert room["Voila"]["kernel_websocket_connection_class"] == (
        "itb_edu.serving.NoDelayWebsocketConnection"
    )


def test_lab_config_publishes_the_bundle_and_turns_nagle_off(monkeypatch):
    monkeypatch.setenv(fw.SERVED_BUNDLE_ENV, "placeholder")
    config = _load(ROOT / "etc" / "lab" / "jupyter_server_config.py")
    assert config.ServerApp.kernel_websocket_connection_class == (
        "itb_edu.serving.NoDelayWebsocketConnection"
    )
    for section in (config.LabApp, config.VoilaConfiguration):
        assert section.extra_labextensions_path.get_value([]) == [str(fw.bundle_dir())]
    room = json.loads((ROOT / "etc" / "voila.json").read_text())
    assert (
        config.VoilaConfiguration.extension_denylist
        == (room["VoilaConfiguration"]["extension_denylist"])
    )


def test_no_delay_connection_turns_nagle_off_before_connecting(monkeypatch):
    calls = []

    class Handler:
        def set_nodelay(self, value):
            calls.append(("set_nodelay", value))

    def fake_connect(self):
        calls.append(("connect",))
        return "connected"

    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect", fake_connect)
    connection = serving.NoDelayWebsocketConnection.__new__(serving.NoDelayWebsocketConnection)
    connection._trait_values["websocket_handler"] = Handler()
    assert connection.connect() == "connected"
    assert calls == [("set_nodelay", True), ("connect",)]


# --- figures in the app view ----------------------------------------------------------------


@pytest.fixture
def renderer_restored():
    import plotly.io as pio

    before = pio.renderers.default
    yield pio
    pio.renderers.default = before


@pytest.mark.parametrize(
    ("served", "voila", "expected"),
    [
        ("1", "http://127.0.0.1:8866/", fw.WIDGET_RENDERER),  # make app
        ("1", None, "plotly_mimetype"),  # make lab: figures stay in the saved notebook
        (None, "http://127.0.0.1:8866/", "plotly_mimetype"),  # Voilà without the room config
        (None, None, "plotly_mimetype"),  # any other Jupyter
    ],
)
def test_setup_picks_the_renderer_for_where_it_runs(
    monkeypatch, renderer_restored, served, voila, expected
):
    from itb_edu import notebook as nb

    monkeypatch.delenv("ITB_EDU_PLOTLY_RENDERER", raising=False)
    for name, value in ((fw.SERVED_BUNDLE_ENV, served), (fw.VOILA_ENV, voila)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    nb.setup()
    assert renderer_restored.renderers.default == expected


def test_handout_renderer_wins_even_in_the_app_view(monkeypatch, renderer_restored):
    from itb_edu import notebook as nb

    monkeypatch.setenv(fw.SERVED_BUNDLE_ENV, "1")
    monkeypatch.setenv(fw.VOILA_ENV, "http://127.0.0.1:8866/")
    monkeypatch.setenv("ITB_EDU_PLOTLY_RENDERER", "notebook")
    nb.setup()
    assert renderer_restored.renderers.default == "notebook"


def test_app_view_shows_a_figure_as_a_served_widget_with_its_content(renderer_restored):
    from ipywidgets import widget_serialization

    renderer_restored.renderers.default = fw.register_widget_renderer()
    figure = go.Figure(**_data())
    figure.add_annotation(text="alarm", x=1, y=19.8)
    bundle = figure._repr_mimebundle_()
    model_id = bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    widget = widget_serialization["from_json"](f"IPY_MODEL_{model_id}", None)
    assert isinstance(widget, fw.served_figure_widget_class())
    assert widget.data[0].y == (20.0, 19.8, 19.6)
    assert widget.layout.height == 300
    assert widget.layout.annotations[0].text == "alarm"
    assert "application/vnd.plotly.v1+json" not in bundle  # nothing for jupyterlab-plotly


def test_apps_create_figure_widgets_through_figure_widget():
    """A ``go.FigureWidget(...)`` made directly would carry the 5 MB bundle in its state."""
    package = ROOT / "src" / "itb_edu"
    direct = [
        f"{path.relative_to(package)}:{number}"
        for path in package.rglob("*.py")
        if path.name != "figure_widget.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "FigureWidget(" in line and not line.lstrip().startswith(("#", '"', "``"))
    ]
    assert direct == [], "use itb_edu.figure_widget.figure_widget() instead"
