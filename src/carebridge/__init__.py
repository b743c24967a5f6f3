"""CareBridge: the whole-system plan of a local health and care economy."""

__version__ = "0.1.0"
