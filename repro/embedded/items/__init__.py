"""Item generators, one module per task family: random logical forms with their labels."""
