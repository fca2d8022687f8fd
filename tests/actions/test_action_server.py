"""The action server refuses to start on an invalid knowledge base and says why."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_refuses_to_start_on_an_invalid_base(tmp_path):
    base = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge_base", base)
    broken = base / "tools" / "experiment-tracking.yml"
    broken.write_text(broken.read_text().replace("name: MLflow", "name: MLflow\n    colour: blue", 1))
    result = subprocess.run(
        [sys.executable, "-m", "actions", "--port", "0"],
        cwd=ROOT,
        env={**os.environ, "KNOWLEDGE_BASE_DIR": str(base)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "action server not started" in result.stderr
    assert "experiment-tracking.yml: 'MLflow': colour: extra fields not permitted" in result.stderr
