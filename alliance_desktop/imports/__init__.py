"""Reading CSV and Excel files into validated rows."""
