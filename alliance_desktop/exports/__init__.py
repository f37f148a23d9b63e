"""Documents and tables made from the database: minutes, summaries, reports, CSV/XLSX."""
