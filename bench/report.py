"""The benchmark's results: rows of figures beside their goals, a table, and the JSON file."""

from __future__ import annotations

import json
import math
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PASS, FAIL, INFO = "PASS", "FAIL", "-"


@dataclass
class Row:
    """One figure as the table shows it: its value, its goal and whether it meets it."""

    case: str
    figure: str
    value: float | int | str
    unit: str = ""
    goal: str = ""
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        """Return PASS, FAIL, or - for a figure without a goal."""
        if self.passed is None:
            return INFO
        return PASS if self.passed else FAIL


@dataclass
class CaseResult:
    """One case's figures for the JSON file, and its rows for the table."""

    key: str
    figures: dict[str, Any]
    rows: list[Row] = field(default_factory=list)


def machine() -> dict[str, Any]:
    """Describe the machine: CPU model, cores, Python version."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def shown(value: float | str) -> str:
    """Format a value for the table."""
    if isinstance(value, int | str):
        return str(value)
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def table(results: list[CaseResult], about: dict[str, Any]) -> str:
    """Return the table of every row, with the machine on top."""
    header = ("case", "figure", "value", "goal", "")
    lines = [
        f"machine: {about['cpu']}, {about['cores']} cores, Python {about['python']}",
        "",
    ]
    cells = [header]
    for result in results:
        for row in result.rows:
            value = f"{shown(row.value)} {row.unit}".strip()
            cells.append((row.case, row.figure, value, row.goal, row.verdict))
    widths = [max(len(cell[i]) for cell in cells) for i in range(len(header))]
    for number, cell in enumerate(cells):
        lines.append("  ".join(text.ljust(width) for text, width in zip(cell, widths)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    failed = [row for result in results for row in result.rows if row.passed is False]
    lines.append("")
    lines.append(f"{len(failed)} goal(s) not met" if failed else "every goal met")
    return "\n".join(lines)


def write_json(path: Path, results: list[CaseResult], about: dict[str, Any], quick: bool) -> None:
    """Write every case's figures, the goals with their verdicts, and the machine."""
    document = {
        "machine": about,
        "quick": quick,
        "cases": {result.key: result.figures for result in results},
        "goals": [
            {**asdict(row), "verdict": row.verdict}
            for result in results
            for row in result.rows
            if row.goal
        ],
    }
    text = json.dumps(_plain(document), indent=2, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def _plain(value: Any) -> Any:
    """Return the value with NaN as null (JSON has no NaN) and tuples as lists."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
