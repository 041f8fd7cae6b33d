"""The documentation's examples stay true: the reference example validates and renders."""

from __future__ import annotations

import re
from pathlib import Path

from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.jobs import plan, run_jobs
from archcat.lint import lint
from archcat.vocab import load_vocabulary
from tests.conftest import REPO, write_spec


def reference_example() -> str:
    text = (REPO / "docs" / "spec-reference.md").read_text(encoding="utf-8")
    return re.search(r"## A complete example\n\n```yaml\n(.*?)```", text, re.DOTALL).group(1)


def test_reference_example_validates_and_renders(project: Project, tmp_path: Path):
    write_spec(project, "example-photos-2012", reference_example())
    (project.architectures / "shop-2020.yaml").unlink()
    specs, problems = load_catalog(project)
    # Its `related` names a spec that is not in this scratch catalog; everything else must be clean.
    assert [d.message for d in problems] == ["related spec 'example-photos-2015' does not exist"]
    write_spec(project, "example-photos-2015", reference_example().replace("related: [example-photos-2015]",
                                                                         "related: [example-photos-2012]"))
    specs, problems = load_catalog(project)
    assert problems == []
    warnings = [d.message for d in lint(specs, load_vocabulary())]
    assert all("lesson" in w or "nodes" in w for w in warnings), warnings
    written, failures = run_jobs(plan(specs[:1], themes=("light",), formats=("png",)), tmp_path / "out")
    assert failures == [] and len(written) == 1


def test_reference_documents_every_field_of_the_model():
    from archcat.model import Architecture, Edge, Group, Lesson, Metric, Node, Source, Step, View

    text = (REPO / "docs" / "spec-reference.md").read_text(encoding="utf-8")
    for model in (Architecture, Source, Metric, Lesson, View, Node, Group, Edge, Step):
        for name, field in model.model_fields.items():
            shown = field.alias or name
            assert f"`{shown}`" in text, f"{model.__name__}.{shown} is not documented"


def test_the_pages_workflow_builds_with_the_readme_command_and_uploads_the_gallery():
    import yaml

    from tests.conftest import REPO

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    build = workflow["jobs"]["build"]["steps"]
    assert any(step.get("run") == "make gallery" for step in build)
    upload = next(step for step in build if str(step.get("uses", "")).startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "output"
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert "make gallery" in (REPO / "README.md").read_text(encoding="utf-8")
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages")
