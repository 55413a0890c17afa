import textwrap

import pytest

SMALL_WORLD = [
    "chain=single_store",
    "days=1",
    "population.size=2000",
    "store.daily_visitors=3000",
    "store.lanes=1",
]


@pytest.fixture
def scenario_dir(tmp_path, monkeypatch):
    """A scenarios folder of our own; write scenarios into it with the returned function."""
    folder = tmp_path / "scenarios"
    monkeypatch.setenv("STORETWIN_SCENARIOS", str(folder))

    def write(
        name: str,
        baseline: list[str],
        treatments: dict[str, list[str]],
        kpis: list[str],
        replications: int = 3,
    ) -> str:
        (folder / name).mkdir(parents=True)
        lines = [
            f"name: {name}",
            "question: a test",
            f"replications: {replications}",
            f"world: {SMALL_WORLD}",
            f"baseline: {baseline}",
            "treatments:",
        ]
        lines += [f"  {t}: {o}" for t, o in treatments.items()]
        lines.append(f"kpis: {kpis}")
        (folder / name / "scenario.yaml").write_text(textwrap.dedent("\n".join(lines)) + "\n")
        return name

    return write
