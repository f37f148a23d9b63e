"""The Qt user interface: windows, widgets, dialogs and Qt models."""
