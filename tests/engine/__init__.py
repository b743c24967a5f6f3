"""Tests of the engine: example-based unit tests and hypothesis properties."""
