"""Trade screening: goods, places, routes and parties of shipments and orders (issue 5)."""
