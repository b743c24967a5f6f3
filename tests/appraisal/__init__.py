"""Tests of the Green Book appraisal and of choosing what to fund."""
