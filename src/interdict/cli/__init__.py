"""Command-line interface: thin Typer layers over library functions, one module per group."""
