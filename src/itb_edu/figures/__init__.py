"""Figure builders: functions that return ``plotly.graph_objects.Figure`` (no widgets)."""
