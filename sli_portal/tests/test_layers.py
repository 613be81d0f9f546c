"""The layers contract (.importlinter) holds, and it would catch an import that goes up."""

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PACKAGES = ["sli_portal", "programmes", "priorities", "peer_challenges", "case_studies", "snapshots", "people"]


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_portal_keeps_its_layers():
    result = _lint_imports(Path(settings.BASE_DIR))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_from_a_lower_layer_to_a_higher_one_breaks_the_contract(tmp_path):
    # A copy of the code, in which programmes (low) imports the dashboard (the top layer).
    base = Path(settings.BASE_DIR)
    shutil.copy(base / ".importlinter", tmp_path / ".importlinter")
    for package in PACKAGES:
        shutil.copytree(base / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    selectors = tmp_path / "programmes" / "selectors.py"
    selectors.write_text(selectors.read_text() + "\nfrom sli_portal.pages.dashboard import region_dashboard  # noqa\n")

    result = _lint_imports(tmp_path)

    assert result.returncode == 1
    assert "0 kept, 1 broken" in result.stdout
    assert "programmes.selectors -> sli_portal.pages.dashboard" in result.stdout
