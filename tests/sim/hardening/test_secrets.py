"""The membership secret never reaches a file the project writes; without one configured, a
run draws its own and says so; the end-of-run check looks for it as it looks for numbers."""

import json
from pathlib import Path

from sim.cli import main
from sim.config.load import REDACTED, compose_config, to_dict, validate
from sim.experiment.jobs import Job, execute

SECRET = "the-chain-s-real-hmac-key-2026-xyz"
SMALL = ["chain=single_store", "days=1", "population.size=500", "store.daily_visitors=40",
         "progress=off"]  # fmt: skip


def every_byte(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_the_default_config_holds_no_secret(monkeypatch):
    monkeypatch.delenv("STORETWIN_MEMBER_SECRET", raising=False)
    assert validate(compose_config(SMALL)).modules.membership["secret"] is None


def test_a_secret_from_the_environment_is_redacted_everywhere(tmp_path, monkeypatch):
    monkeypatch.setenv("STORETWIN_MEMBER_SECRET", SECRET)
    out = tmp_path / "run"
    assert main(["run", *SMALL, f"hydra.run.dir={out}"]) == 0
    run = json.loads((out / "run.json").read_text())
    assert run["config"]["modules"]["membership"]["secret"] == REDACTED
    assert run["membership_secret"] == "configured (redacted)"
    assert SECRET.encode() not in every_byte(out)
    assert json.loads((out / "summary.json").read_text())["invariant_violations"] == 0


def test_a_secret_on_the_command_line_is_refused_before_anything_is_written(tmp_path, capsys):
    # Hydra copies command lines into its sweep files, shells into their history: a secret
    # comes from the environment only.
    out = tmp_path / "run"
    args = [*SMALL, f"modules.membership.secret={SECRET}", f"hydra.run.dir={out}"]
    assert main(["run", *args]) == 2 and main(["run", "-m", *args]) == 2
    assert "STORETWIN_MEMBER_SECRET" in capsys.readouterr().err
    assert not out.exists()


def test_without_a_secret_the_run_draws_one_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("STORETWIN_MEMBER_SECRET", raising=False)
    out = tmp_path / "run"
    assert main(["run", *SMALL, f"hydra.run.dir={out}"]) == 0
    assert "draws a random one" in capsys.readouterr().out
    run = json.loads((out / "run.json").read_text())
    assert run["membership_secret"] == "drawn for this run, not kept"


def test_a_failed_job_records_its_config_without_the_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("STORETWIN_MEMBER_SECRET", SECRET)
    job = Job.from_overrides(SMALL)
    assert SECRET not in json.dumps(to_dict(job.config))  # nor in the job's identity

    def fail(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("sim.experiment.run.run", fail)
    result = execute(job, tmp_path / "study")
    assert not result.ok and "disk is full" in result.error
    assert SECRET.encode() not in every_byte(tmp_path / "study")


def test_the_end_of_run_check_counts_a_leaked_secret(tmp_path, monkeypatch):
    from sim.experiment import run as running

    def leaky_dashboard(*args, **kwargs):  # a plot that carries the secret in its bytes
        path = args[4]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x89PNG" + SECRET.encode())

    monkeypatch.setattr(running, "kpi_dashboard", leaky_dashboard)
    monkeypatch.setenv("STORETWIN_MEMBER_SECRET", SECRET)
    config = validate(compose_config(SMALL))
    assert running.run(config, tmp_path / "run").summary["invariant_violations"] == 1


def test_the_end_of_run_check_reads_run_json_too(tmp_path, monkeypatch):
    from sim.experiment import run as running

    monkeypatch.setattr(running, "to_dict", lambda config: {"leaked": SECRET})  # no redaction
    monkeypatch.setenv("STORETWIN_MEMBER_SECRET", SECRET)
    config = validate(compose_config(SMALL))
    outcome = running.run(config, tmp_path / "run")
    assert outcome.summary["invariant_violations"] == 1
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["invariant_violations"] == 1
