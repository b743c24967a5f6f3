"""What a user does with CareBridge, as plain functions on a store and a scenario that every face calls:
the command line (:mod:`carebridge.cli`), the web app (:mod:`carebridge.web`) and the Python API (the
package top, :mod:`carebridge`). A face parses its input, calls a use case and renders what comes back; a use
case loads, runs, reads and writes the store, and assembles — it never prints and never formats.

- :mod:`~carebridge.usecases.planning`: load, check and run a scenario; the bridge-year override.
- :mod:`~carebridge.usecases.plans`: approve a plan, list and choose plans, a plan's draft.
- :mod:`~carebridge.usecases.edits`: edit a scenario value (values by year of a scheme or plan line).
- :mod:`~carebridge.usecases.delivery`: import actuals, FEWS for a month, settings and actions, the pack.
- :mod:`~carebridge.usecases.registers`: targets (load, actuals, status, escalate, re-set) and risks.
- :mod:`~carebridge.usecases.uncertainty`: Monte Carlo simulation and one-way sensitivity.
- :mod:`~carebridge.usecases.errors`: what a use case refuses, one class per kind.

Each module is imported on its own, so a face pays only for what it uses.
"""
