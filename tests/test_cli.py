"""The archcat command end to end: exit codes, output and files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archcat.cli import main
from archcat.discover import Project
from tests.conftest import FIXTURES, REPO, VALID_SPEC, write_spec


def run(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m archcat` as a user would, in the project folder."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "archcat", *args], cwd=project.root, capture_output=True,
                          text=True, env=env, timeout=300, check=False)


def test_help_lists_every_command(project: Project):
    result = run(project, "--help")
    assert result.returncode == 0
    for command in ("build", "render", "validate", "new", "kinds", "patterns", "schema"):
        assert command in result.stdout
        assert run(project, command, "--help").returncode == 0


def test_validate_ok_and_failing(project: Project):
    result = run(project, "validate")
    assert result.returncode == 0 and "1 spec(s) valid" in result.stdout
    bad = FIXTURES / "invalid" / "unknown-kind.yaml"
    write_spec(project, "bad-2020", bad.read_text(encoding="utf-8"))
    result = run(project, "validate")
    assert result.returncode == 1
    assert "architectures/bad-2020.yaml:33:45: error: unknown kind 'reddis'" in result.stderr
    assert "hint: did you mean 'redis'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_named_paths_and_missing_file(project: Project):
    result = run(project, "validate", "architectures/shop-2020.yaml", "nowhere.yaml")
    assert result.returncode == 1
    assert "nowhere.yaml:1:1: error: no such file" in result.stderr


def test_new_writes_a_spec_that_validates_and_renders(project: Project):
    result = run(project, "new", "acme-2024")
    assert result.returncode == 0, result.stderr
    path = project.architectures / "acme-2024.yaml"
    assert "year: 2024" in path.read_text(encoding="utf-8")
    assert run(project, "validate", str(path)).returncode == 0
    result = run(project, "render", "acme-2024", "--format", "png", "--out", "out")
    assert result.returncode == 0, result.stderr
    assert (project.root / "out/diagrams/acme-2024/overview-light.png").stat().st_size > 10_000
    again = run(project, "new", "acme-2024")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert run(project, "new", "Not An Id").returncode == 1


def test_render_formats_themes_and_paths(project: Project):
    result = run(project, "render", "shop-2020", "--format", "svg", "--format", "dot", "--theme", "dark",
                 "--out", "o")
    assert result.returncode == 0, result.stderr
    folder = project.root / "o/diagrams/shop-2020"
    assert sorted(p.name for p in folder.iterdir()) == ["overview-dark.dot", "overview-dark.svg"]
    result = run(project, "render", "shop-2021")
    assert result.returncode == 1 and "did you mean 'shop-2020'" in result.stderr
    result = run(project, "render", "shop-2020", "--view", "nope")
    assert result.returncode == 1 and "no view nope" in result.stderr


def test_build_renders_everything_and_replaces_output_atomically(project: Project):
    write_spec(project, "shop-2021", VALID_SPEC.read_text(encoding="utf-8").replace("year: 2020\nsummary",
                                                                                     "year: 2021\nsummary"))
    result = run(project, "build")
    assert result.returncode == 0, result.stderr
    assert "Rendering" in result.stderr  # the progress bar
    out = project.output
    for spec_id in ("shop-2020", "shop-2021"):
        names = sorted(p.name for p in (out / "diagrams" / spec_id).iterdir())
        assert names == ["overview-dark.pdf", "overview-light.pdf", "overview-light.svg", "overview-thumbnail.webp"]
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # A broken spec fails the build and leaves the previous output exactly as it was.
    write_spec(project, "shop-2022", "name: [")
    result = run(project, "build")
    assert result.returncode == 1 and "YAML syntax error" in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in project.root.iterdir() if "staging" in p.name] == []


def test_build_refuses_to_replace_a_foreign_folder(project: Project):
    foreign = project.root / "mine"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious")
    result = run(project, "build", "--out", "mine")
    assert result.returncode == 1 and "archcat did not write" in result.stderr
    assert (foreign / "thesis.txt").read_text() == "precious"


def test_build_with_no_specs(tmp_path: Path):
    (tmp_path / "architectures").mkdir()
    result = run(Project(tmp_path), "build")
    assert result.returncode == 1 and "no specs found" in result.stderr


def test_kinds_and_patterns(project: Project):
    result = run(project, "kinds", "redis")
    assert result.returncode == 0 and "onprem.inmemory.Redis" in result.stdout
    assert run(project, "kinds").stdout.count("\n") >= 60
    result = run(project, "kinds", "reddis-nope")
    assert result.returncode == 1
    result = run(project, "patterns", "fan-out")
    assert result.returncode == 0 and "fan-out-on-write" in result.stdout


def test_schema_is_json_and_the_published_copy_is_current(project: Project, capsys: pytest.CaptureFixture[str]):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "redis" in schema["$defs"]["Node"]["properties"]["kind"]["anyOf"][0]["enum"]
    published = (REPO / "docs" / "archcat.schema.json").read_text(encoding="utf-8")
    assert json.loads(published) == schema, "run `make schema` to regenerate docs/archcat.schema.json"


def test_internal_errors_are_reported_without_traceback(project: Project, monkeypatch, capsys):
    import archcat.catalog

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(archcat.catalog, "load_catalog", boom)
    monkeypatch.delenv("ARCHCAT_DEBUG", raising=False)
    assert main(["--root", str(project.root), "validate"]) == 1
    err = capsys.readouterr().err
    assert "internal error: disk on fire" in err and "Traceback" not in err


def test_serve_refuses_a_non_loopback_host(project: Project):
    result = run(project, "serve", "--host", "10.1.2.3", "--port", "0")
    assert result.returncode == 1 and "hint: use 127.0.0.1 or localhost" in result.stderr
    assert "Traceback" not in result.stderr


def test_render_preset_help_and_themes(project: Project):
    result = run(project, "render", "--help")
    assert "--preset" in result.stdout and "transparent" in result.stdout


def test_new_from_an_existing_spec(project: Project):
    result = run(project, "new", "shop-2024", "--from", "shop-2020")
    assert result.returncode == 0, result.stderr
    text = (project.architectures / "shop-2024.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../docs/archcat.schema.json\n"
                           "# shop-2024: started from shop-2020.")  # the modeline is kept, editors need it
    assert "\nyear: 2024\n" in text and "A small web shop" in text
    assert run(project, "validate", "architectures/shop-2024.yaml").returncode == 0
    missing = run(project, "new", "shop-2025", "--from", "shop-2021")
    assert missing.returncode == 1 and "no spec 'shop-2021' to start from" in missing.stderr
    assert "did you mean 'shop-202" in missing.stderr


def test_pre_commit_hook_runs_the_strict_validator(project: Project):
    import shlex

    import yaml

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "archcat-validate")
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    import re

    assert re.match(hook["files"], "architectures/shop-2020.yaml") and not re.match(hook["files"], "README.md")
    command = shlex.split(hook["entry"])
    assert command[0] == "archcat"
    ok = run(project, *command[1:], "architectures/shop-2020.yaml")
    assert ok.returncode == 1 and "warning" in ok.stderr  # the small fixture has content warnings: strict fails
    write_spec(project, "broken-2020", "name: [")
    bad = run(project, *command[1:], "architectures/broken-2020.yaml")
    assert bad.returncode == 1 and "broken-2020.yaml:1:" in bad.stderr


def test_kinds_all_searches_every_diagrams_class(project: Project):
    result = run(project, "kinds", "--all", "kafka")
    assert result.returncode == 0
    assert "onprem.queue.Kafka" in result.stdout and "aws.analytics.ManagedStreamingForKafka" in result.stdout


def test_a_missing_field_says_what_it_is_and_shows_an_example(project: Project):
    path = project.architectures / "shop-2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{id: lb, label: Load balancer, kind: haproxy}",
                                                              "{id: lb, label: Load balancer}"), encoding="utf-8")
    result = run(project, "validate")
    assert "missing required field 'kind'" in result.stderr
    assert "hint: A kind from `archcat kinds`" in result.stderr and "for example `kind: web-server`" in result.stderr


def test_content_warnings_are_reported_beside_errors(project: Project):
    path = project.architectures / "shop-2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("to: db, style", "to: dbx, style"), encoding="utf-8")
    result = run(project, "validate")
    assert result.returncode == 1
    assert "error: edge to 'dbx' but no node or group has that id" in result.stderr
    assert "warning: no domain" in result.stderr and "1 error(s), 5 warning(s)" in result.stderr
