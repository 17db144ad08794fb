"""frpdesk: the workspace a Microsoft FastTrack Ready Partner runs its FastTrack business on."""

__version__ = "0.1.0"
