"""Reading and validating: catalogue.yaml and the entries in, models out, every problem
with its file, line and field."""
