"""Statistical management: stats weeks, values, formulas, conditions."""
