"""Population risk stratification over patient-level tables (DuckDB): score, select a cohort, emit it."""
