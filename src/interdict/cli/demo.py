"""``interdict demo``: run every engine once on the bundled lists and sample files."""

from __future__ import annotations

from pathlib import Path

import typer

from interdict.cli.common import console


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        output: Path = typer.Option(Path("demo-output"), "--output", "-o", help="Folder for the results."),
    ) -> None:
        """Load the bundled lists and run party, trade, network and contractor screening on sample data.

        Example: interdict demo --output demo-output
        """
        from interdict.demo import run_demo

        steps = run_demo(output, log=lambda msg: console.print(f"[dim]{msg}[/]"))
        for step in steps:
            levels = ", ".join(f"{k} {v}" for k, v in sorted(step.levels.items()))
            console.print(f"[bold]{step.name}[/]: {step.summary}" + (f" ({levels})" if levels else ""),
                          highlight=False, soft_wrap=True)
            for path in step.outputs:
                console.print(f"    {path}", highlight=False, soft_wrap=True)
        console.print(f"Results are in [bold]{output.resolve()}[/] (SUMMARY.json lists every file).")
