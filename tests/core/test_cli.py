"""`python -m core`: the command line people and scripts use."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, stdin: str = ""):
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120
    )


def test_resolve_prints_one_json_object_per_text():
    result = cli("resolve", "tell me about kube flow", "zorbulator")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert lines == [
        {
            "query": "tell me about kube flow",
            "tools": ["Kubeflow"],
            "candidates": [],
            "category": None,
            "unknown": None,
        },
        {"query": "zorbulator", "tools": [], "candidates": [], "category": None, "unknown": "zorbulator"},
    ]


def test_resolve_reads_stdin_one_query_a_line():
    result = cli("resolve", stdin="mlflow or wandb?\nexperiment tracking\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["tools"] for line in lines] == [["MLflow", "Weights & Biases"], []]
    assert lines[1]["category"] == "experiment-tracking"


def test_resolve_answers_each_line_as_it_arrives():
    process = subprocess.Popen(
        [sys.executable, "-m", "core", "resolve"], cwd=ROOT, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        process.stdin.write("dvc\n")
        process.stdin.flush()
        assert json.loads(process.stdout.readline())["tools"] == ["DVC"]  # before stdin is closed
    finally:
        process.stdin.close()
        process.wait(timeout=60)


def test_stats():
    stats = json.loads(cli("stats").stdout)
    assert stats["tools"] == sum(stats["categories"].values()) >= 250
    assert len([c for c, n in stats["categories"].items() if n > 0]) >= 18


def test_validate_the_base():
    result = cli("validate")
    assert result.returncode == 0 and "valid" in result.stdout


def test_validate_a_bad_file_names_file_entry_and_reason(tmp_path):
    bad = tmp_path / "monitoring.yml"
    bad.write_text("tools:\n  - name: Driftless\n    category: monitoring\n    summary: ''\n")
    result = cli("validate", str(bad))
    assert result.returncode == 1
    assert "monitoring.yml: 'Driftless': summary: ensure this value has at least 1 characters" in result.stderr
    assert "monitoring.yml: 'Driftless': url: field required" in result.stderr
