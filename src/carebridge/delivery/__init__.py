"""Delivery: monitoring an approved plan month by month (docs/delivery.md).

Pure functions on plain data and pandas, no store and no files in the arithmetic: the monthly trajectory and
benefits realisation (:mod:`~carebridge.delivery.benefits`), the Financial Early Warning System
(:mod:`~carebridge.delivery.fews`), statistical process control (:mod:`~carebridge.delivery.spc`), one
month's comparison (:mod:`~carebridge.delivery.monitor`), and the registers of targets and risks and pooled
budgets. Nothing here imports the store or reads a file of actuals: the files are read by
:mod:`carebridge.store.actuals_files` and their rows checked by :mod:`~carebridge.delivery.actuals_tables`.
The FEWS report and the delivery pack are drawn by :mod:`carebridge.report.delivery`.
"""
