"""The code stays ruff clean and mypy clean (the configuration is in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

BIN = Path(sys.executable).parent


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    assert ruff, "ruff is not installed; `make test` installs it"
    result = subprocess.run([ruff, "check", "--no-cache", str(REPO)], capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_the_package():
    mypy = BIN / "mypy"
    assert mypy.exists(), "mypy is not installed; `make test` installs it"
    result = subprocess.run(["sh", str(REPO / "scripts" / "typecheck.sh")],
                            env={"MYPY": str(mypy), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout
