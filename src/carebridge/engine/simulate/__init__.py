"""Monte Carlo and one-way sensitivity (model spec section 11), vectorised along a ``draw`` dimension."""
