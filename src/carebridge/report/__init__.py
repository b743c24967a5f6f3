"""Reports: tables and charts of a run, an appraisal, a simulation, a comparison, the delivery pack and a
stratification, written as CSV, Excel, HTML, PNG and in the terminal.

Two layers, imported one way. The primitives know no subject: :mod:`~carebridge.report.numbers` (how a
number is printed), :mod:`~carebridge.report.table` (the table model), :mod:`~carebridge.report.html_table`
(the one HTML table renderer), :mod:`~carebridge.report.chart` (plotly.js figures as plain JSON),
:mod:`~carebridge.report.html` (self-contained pages), :mod:`~carebridge.report.excel` (the one workbook
writer), :mod:`~carebridge.report.terminal` (Rich) and :mod:`~carebridge.report.provenance`. On top, one
module (or a few) per subject reads what the engine, the appraisal or the monitoring computed and never
computes it again. This package imports nothing itself, so importing a module of it stays cheap.
"""
