"""The README's commands, run in order as a newcomer would, on the quick-start store (issue 15).

Every line of every ```bash block of README.md is a command. The commands run one after the other
in a fresh folder holding a copy of `samples/` (nothing from ../shared), with this environment's
`fundkg` first on PATH, each by bash, so pipes and redirections work as written. A command whose
trailing comment starts with `# needs` (the seed reports, a server, a folder of your own …) is
reported as skipped with that reason; every other one must exit 0 and print something meaningful:
a query at least one row, a redirection a non-empty file. The server commands (marked, since the
tour cannot wait on a server) are run by a test of their own against the server they start. The
quick start's first line creates a virtual environment and installs FundKG before it builds: the
tests run in an environment that has it installed already, so only the part after
`pip install . &&` is run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.resources import data_dir

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)
_NEEDS = re.compile(r"\s#\s*(needs\b.*)$")
_REDIRECT = re.compile(r"(?:^|\s)(?:>|-o)\s*(\S+)")
_INSTALL = re.compile(r"^python3 -m venv \S+ && \. \S+ && pip install \. && ")


@dataclass(frozen=True)
class Command:
    line: int
    text: str
    needs: str | None  # the reason it cannot run on the quick-start store alone


def readme_commands(text: str) -> list[Command]:
    """The commands of the ```bash blocks, in order, with their line numbers in the README."""
    commands: list[Command] = []
    for block in _BLOCK.finditer(text):
        first = text.count("\n", 0, block.start(1)) + 1
        for offset, raw in enumerate(block.group(1).splitlines()):
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            needs = _NEEDS.search(raw)
            commands.append(Command(first + offset, _INSTALL.sub("", raw.strip()), needs.group(1) if needs else None))
    return commands


COMMANDS = readme_commands(README.read_text(encoding="utf-8"))


def test_the_readme_has_a_tour_and_marks_what_needs_more() -> None:
    assert len(COMMANDS) >= 25
    for command in COMMANDS:
        if "../shared" in command.text or command.text.startswith(("curl", "fundkg serve")):
            assert command.needs, f"README line {command.line} needs a `# needs …` comment: {command.text}"
    runnable = [c for c in COMMANDS if not c.needs]
    assert runnable[0].text == "fundkg build samples/ --store fundkg-store"  # the quick start comes first


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    workspace: Path


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Outcome]:
    """Every runnable command, run once, in order, in one fresh folder: line number → outcome."""
    workspace = tmp_path_factory.mktemp("readme-tour")
    shutil.copytree(data_dir("samples"), workspace / "samples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUNDKG_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["COLUMNS"] = "100"
    outcomes: dict[int, Outcome] = {}
    for command in COMMANDS:
        if command.needs:
            continue
        done = subprocess.run(
            ["bash", "-c", command.text], cwd=workspace, env=env, capture_output=True, text=True, timeout=600
        )
        outcomes[command.line] = Outcome(done.returncode, done.stdout, done.stderr, workspace)
    return outcomes


def _meaningful(command: Command, outcome: Outcome) -> str | None:
    """Why the output is not a meaningful answer, or None when it is."""
    redirect = _REDIRECT.search(command.text.split(" # ")[0])
    if redirect:
        target = outcome.workspace / redirect.group(1)
        if not target.is_file() or target.stat().st_size == 0:
            return f"{redirect.group(1)} was not written"
        if command.text.startswith("fundkg query") and "--format json" in command.text:
            return None if json.loads(target.read_text())["results"]["bindings"] else "no rows"
        return None
    out = outcome.stdout.strip()
    if not out:
        return "printed nothing"
    if command.text.startswith("fundkg query"):
        if "--format csv" in command.text:
            return None if len(out.splitlines()) >= 2 else "no rows"
        if "--format json" in command.text:
            return None if json.loads(out)["results"]["bindings"] else "no rows"
        if re.search(r"^0 row\(s\)", out, re.MULTILINE):
            return "0 row(s)"
    return None


@pytest.mark.parametrize("command", COMMANDS, ids=[f"line{c.line}" for c in COMMANDS])
def test_readme_command(command: Command, tour: dict[int, Outcome]) -> None:
    if command.needs:
        pytest.skip(f"README line {command.line}: {command.needs}")
    outcome = tour[command.line]
    assert outcome.code == 0, f"`{command.text}` exited {outcome.code}: {outcome.stderr.strip()[-800:]}"
    problem = _meaningful(command, outcome)
    assert problem is None, f"`{command.text}`: {problem}\n{outcome.stdout[-800:]}"
    assert "Traceback" not in outcome.stderr


def test_the_tour_shows_what_the_readme_says(tour: dict[int, Outcome]) -> None:
    """A few of the answers themselves, so that a command that prints the wrong thing fails too."""
    def stdout(text: str, nth: int = 0) -> str:
        lines = [c.line for c in COMMANDS if not c.needs and c.text.split(" #")[0].strip() == text]
        return tour[lines[nth]].stdout

    traced = stdout("fundkg trace --programme 城乡医疗救助 --region 石楼县 --year 2022")
    assert "中央财政" in traced and "└─ 2101301 城乡医疗救助  [执行数 1180万元]" in traced
    assert "= 吕财社〔2022〕27号 吕梁市财政局 下达 石楼县 476万元" in traced
    assert "8 added, 0 replaced, 0 unchanged, 0 failed" in stdout("fundkg build samples/ --store fundkg-store")
    again = stdout("fundkg build samples/ --store fundkg-store", 1)
    assert "0 added, 0 replaced, 8 unchanged, 0 failed" in again
    compared = stdout("fundkg query indicator-comparison --param concept=service-satisfaction")
    assert "服务对象" in compared and "2 row(s)" in compared
    core_missed = stdout("fundkg query core-indicators --param met=false")
    # 困难群众住院自付比例 ≤15%, actual 16.2% (its cell is cut to the terminal's width)
    assert "困难群众" in core_missed and "16.2" in core_missed and "1 row(s)" in core_missed
    assert "removed shilou-final-accounts-2023.txt" in stdout("fundkg remove shilou-final-accounts-2023.txt")


def _serve_block() -> list[Command]:
    """The README's server commands: the service and the two requests made to it."""
    return [c for c in COMMANDS if c.text.startswith(("fundkg serve", "FUNDKG_UPDATE_TOKEN=", "curl "))]


def _answers(port: int, seconds: float = 90.0) -> bool:
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=5):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def test_the_readme_serve_commands_answer(tour: dict[int, Outcome], tmp_path: Path) -> None:
    """The commands that need a server, run against the server the README starts: the service with
    an update token on the quick-start store (on a free port instead of 8000, without a browser), the
    CSV query and the upload of a report (a .docx written here from a sample's text)."""
    import docx

    from api.devserver import free_port

    commands = _serve_block()
    assert [c.text.split()[0] for c in commands] == ["fundkg", "FUNDKG_UPDATE_TOKEN=secret", "curl", "curl"]
    workspace = next(iter(tour.values())).workspace
    port = free_port()

    def runnable(command: Command) -> str:
        return command.text.split(" # ")[0].replace("127.0.0.1:8000", f"127.0.0.1:{port}")

    document = docx.Document()
    for line in (workspace / "samples" / "shilou-final-accounts-2023.txt").read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    document.save(workspace / "report.docx")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUNDKG_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    server = subprocess.Popen(
        ["bash", "-c", runnable(commands[1]).replace("fundkg serve", f"fundkg serve --port {port}", 1)],
        cwd=workspace, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        assert _answers(port), f"`{commands[1].text}` did not start serving"
        query = subprocess.run(["bash", "-c", runnable(commands[2])], cwd=workspace, capture_output=True, text=True,
                               timeout=120)  # fmt: skip
        assert query.returncode == 0, query.stderr
        rows = query.stdout.strip().splitlines()
        assert rows[0].strip() == "s" and len(rows) >= 8, query.stdout  # the samples' reports, one a row
        upload = subprocess.run(["bash", "-c", runnable(commands[3])], cwd=workspace, capture_output=True, text=True,
                                timeout=300)  # fmt: skip
        assert upload.returncode == 0, upload.stderr
        answer = json.loads(upload.stdout)
        assert "report.docx" in json.dumps(answer, ensure_ascii=False), answer
    finally:
        import signal

        os.killpg(server.pid, signal.SIGTERM)  # bash and the service it started
        server.wait(timeout=30)
