"""Small interactive apps: ipywidgets wired to ``go.FigureWidget``; each returns its widget."""
