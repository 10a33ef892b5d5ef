"""The packaged app.

Always: the portable data folder, the desktop entry and the .yjt file type, the Windows installer
script, ``--version`` and the version in About and in generated documents.

On demand (``YIJIANTONG_PACKAGING_TEST=1``, PyInstaller installed; a few minutes): the one build
command writes the .tar.gz and the .deb; the .deb is unpacked into a scratch root and its program
runs with a bare environment, no Python and no venv on PATH: ``--version``, a command, ``--screenshot``.
"""
from __future__ import annotations

import configparser
import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from feedback import __version__
from storage import paths
from storage.schema import FILE_SUFFIX

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "assets" / "packaging"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
MIME_TYPE = "application/x-yijiantong"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def _desktop_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


# -- --version, About, documents ------------------------------------------------------------------


def test_version_option_prints_the_name_and_version():
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True,
                            text=True, encoding="utf-8", cwd=ROOT, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"意见通 {__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_about_names_the_version(window, talk):
    window.about()
    assert talk.messages[-1].startswith(f"意见通 {__version__}\n")


def test_generated_documents_name_the_app_and_version(demo_file, tmp_path):
    from ui.cli import run

    out = tmp_path / "意见采纳情况表.docx"
    assert run(["table", str(demo_file), "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        root = ET.fromstring(archive.read("docProps/app.xml"))
    extended = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert [e.text for e in root.iter(extended + "Application")] == [f"意见通 {__version__}"]
    assert root.find(extended + "AppVersion") is None  # a word processor's numbering, not ours


# -- the data folder -------------------------------------------------------------------------------


@pytest.fixture
def program_folder(tmp_path, monkeypatch):
    """A program folder on a stick, with spaces and Chinese in its path; the platform folder elsewhere."""
    folder = tmp_path / "U盘" / "意见通 便携版 0.2"
    folder.mkdir(parents=True)
    monkeypatch.setattr(paths, "app_dir", lambda: folder)
    monkeypatch.delenv("YIJIANTONG_DATA", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "用户数据"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    return folder


def test_data_goes_to_the_platform_folder_without_a_marker(program_folder, tmp_path):
    folder = paths.data_dir()
    if sys.platform == "win32":
        assert folder == tmp_path / "Roaming" / "YiJianTong"
    elif sys.platform.startswith("linux"):
        assert folder == tmp_path / "用户数据" / "YiJianTong"
    assert folder.is_dir()
    assert list(program_folder.iterdir()) == []  # nothing written beside the program


@pytest.mark.parametrize("marker", ["便携版.txt", "portable.txt"])
def test_portable_marker_keeps_data_beside_the_program(program_folder, tmp_path, marker):
    (program_folder / marker).write_text("", encoding="utf-8")
    folder = paths.data_dir()
    assert folder == program_folder / "数据"
    assert folder.is_dir()
    assert not (tmp_path / "用户数据").exists()


def test_a_folder_named_like_the_marker_is_no_marker(program_folder):
    (program_folder / "便携版.txt").mkdir()
    assert paths.portable_data_dir() is None


def test_chosen_data_folder_wins_over_portable(program_folder, tmp_path, monkeypatch):
    (program_folder / "便携版.txt").write_text("", encoding="utf-8")
    monkeypatch.setenv("YIJIANTONG_DATA", str(tmp_path / "共享"))
    assert paths.data_dir() == tmp_path / "共享"


def test_windows_data_folder_is_appdata_with_yijiantong_once(program_folder, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert paths.data_dir() == tmp_path / "Roaming" / "YiJianTong"


def test_program_folder_is_the_executables_when_packaged(tmp_path, monkeypatch):
    executable = tmp_path / "Program Files" / "意见通" / "yijiantong.exe"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(executable))
    assert paths.app_dir() == executable.resolve().parent


def test_program_folder_is_main_pys_in_a_checkout():
    assert (paths.app_dir() / "main.py").is_file()


def test_portable_settings_live_in_the_data_folder(program_folder):
    pytest.importorskip("PySide6")
    from ui.settings import PORTABLE_SETTINGS, AppSettings

    (program_folder / "便携版.txt").write_text("", encoding="utf-8")
    AppSettings().handler = "张 三"
    AppSettings().qsettings.sync()
    assert (program_folder / "数据" / PORTABLE_SETTINGS).is_file()
    assert AppSettings().handler == "张 三"


def test_command_line_writes_nothing_beside_the_program(tmp_path):
    """A command run from a checkout leaves the program folder as it was (no cache, no log)."""
    before = {p for p in ROOT.iterdir()}
    env = dict(os.environ, YIJIANTONG_DATA=str(tmp_path / "data"), PYTHONDONTWRITEBYTECODE="1")
    project = tmp_path / "带 空格 的 文件夹" / "演示.yjt"
    project.parent.mkdir()
    for command in (["demo-project", str(project)], ["stats", str(project)]):
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), *command], cwd=tmp_path, env=env,
                                capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert result.returncode == 0, result.stderr
    assert {p for p in ROOT.iterdir()} == before


# -- desktop entry, file type, installers ----------------------------------------------------------


def test_desktop_entry_opens_projects_with_the_icon():
    entry = _desktop_entry(PACKAGING / "yijiantong.desktop")
    assert entry["Type"] == "Application"
    assert entry["Name"] == entry["Name[zh_CN]"] == "意见通"
    assert entry["Exec"].split() == ["yijiantong", "%f"]
    assert entry["Terminal"] == "false"
    assert MIME_TYPE in entry["MimeType"].rstrip(";").split(";")
    assert entry["Icon"] == "yijiantong"
    assert _png_size(ROOT / "assets" / "yijiantong.png") == (256, 256)
    ET.parse(ROOT / "assets" / "yijiantong.svg")
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(PACKAGING / "yijiantong.desktop")],
                                capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_mime_type_claims_project_files():
    root = ET.parse(PACKAGING / "yijiantong-mime.xml").getroot()
    assert root.tag == MIME_NS + "mime-info"
    (mime,) = root.findall(MIME_NS + "mime-type")
    assert mime.get("type") == MIME_TYPE
    assert [g.get("pattern") for g in mime.findall(MIME_NS + "glob")] == ["*" + FILE_SUFFIX]
    assert mime.find(MIME_NS + "icon").get("name") == "yijiantong"
    assert mime.find(MIME_NS + "comment").text == "意见通项目"


def test_mime_database_maps_yjt_to_the_type(tmp_path):
    if not shutil.which("update-mime-database"):
        pytest.skip("update-mime-database (shared-mime-info) 未安装")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(PACKAGING / "yijiantong-mime.xml", packages / "yijiantong.xml")
    subprocess.run(["update-mime-database", str(tmp_path / "mime")], check=True, capture_output=True)
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8").splitlines()
    assert any(line.endswith(f":{MIME_TYPE}:*{FILE_SUFFIX}") for line in globs)


def test_deb_control_template_fills_in():
    control = (PACKAGING / "debian" / "control").read_text(encoding="utf-8").format(
        version=__version__, installed_size=1, glibc="2.35")
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*(?:\n .*)*)", control, re.MULTILINE))
    assert fields["Package"] == "yijiantong" and fields["Version"] == __version__
    depends = [d.strip() for d in fields["Depends"].replace("\n", " ").split(",")]
    for package in ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0", "libgl1",
                    "libegl1", "libfontconfig1", "libdbus-1-3"):
        assert package in depends
    assert "libc6 (>= 2.35)" in depends


def test_windows_installer_is_per_user_with_association():
    script = (PACKAGING / "yijiantong.iss").read_text(encoding="utf-8-sig")
    settings = dict(re.findall(r"^(\w+)=(.*)$", script, re.MULTILINE))
    assert settings["PrivilegesRequired"] == "lowest"
    assert settings["ChangesAssociations"] == "yes"
    assert settings["DefaultDirName"].startswith("{autopf}")  # per user: %LOCALAPPDATA%\Programs
    registry = [line for line in script.splitlines() if line.startswith("Root:")]
    assert registry and all(line.startswith("Root: HKCU;") for line in registry)
    assert any(f'Subkey: "Software\\Classes\\{FILE_SUFFIX}"' in line for line in registry)
    assert any('"""{app}\\yijiantong.exe"" ""%1"""' in line for line in registry)
    assert re.search(r'^Name: "\{autoprograms\}\\意见通"; Filename: "\{app\}\\yijiantong.exe"', script, re.MULTILINE)
    spec = (PACKAGING / "yijiantong.spec").read_text(encoding="utf-8")
    assert '_executable("yijiantong"' in spec


# -- the bundle, built and run (on demand) ---------------------------------------------------------

ON_DEMAND = os.environ.get("YIJIANTONG_PACKAGING_TEST") == "1"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Run the build command once; the .tar.gz and .deb it wrote."""
    if not ON_DEMAND:
        pytest.skip("打包测试按需运行：YIJIANTONG_PACKAGING_TEST=1")
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("未安装 PyInstaller（pip install -e \".[package]\"）")
    if not sys.platform.startswith("linux") or not shutil.which("dpkg-deb") or not shutil.which("objdump"):
        pytest.skip("需要 Linux、dpkg-deb 和 objdump")
    subprocess.run([sys.executable, str(PACKAGING / "build.py")], cwd=ROOT, check=True, timeout=1800)
    return {"tar": ROOT / "dist" / f"yijiantong-{__version__}-linux-x86_64.tar.gz",
            "deb": ROOT / "dist" / f"yijiantong_{__version__}_amd64.deb"}


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """The .deb unpacked into a scratch root."""
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(built["deb"]), str(root)], check=True)
    return root


def _bare_run(program: Path, *args: str, cwd: Path, extra: dict[str, str] | None = None):
    """Run ``program`` with nothing of this machine's Python: an empty PATH folder, no venv, no PYTHON*."""
    empty = cwd / "空的 PATH"
    empty.mkdir(exist_ok=True)
    assert shutil.which("python3", path=str(empty)) is None
    env = {"PATH": str(empty), "HOME": str(cwd / "home"), "LANG": "C.UTF-8", **(extra or {})}
    return subprocess.run([str(program), *args], cwd=cwd, env=env, capture_output=True, timeout=300)


def test_tarball_is_one_folder_with_the_program_on_top(built):
    with tarfile.open(built["tar"]) as archive:
        names = archive.getnames()
        top = {name.split("/")[0] for name in names}
        assert top == {f"yijiantong-{__version__}"}
        program = archive.getmember(f"yijiantong-{__version__}/yijiantong")
        assert program.isfile() and program.mode & 0o111
    for part in ("assets/templates/explanation.docx", "assets/demo/consultation.json", "qtbase_zh_CN.qm"):
        assert any(name.endswith(part) for name in names), part
    assert not any(name.endswith("qtbase_de.qm") for name in names)  # only Chinese of Qt's translations
    assert not any("QtQml" in name or "QtQuick" in name or "QtPdf" in name for name in names)


def test_deb_installs_under_opt_with_launcher_entry_and_file_type(built, installed):
    fields = subprocess.run(["dpkg-deb", "-f", str(built["deb"]), "Package", "Version", "Architecture"],
                            capture_output=True, text=True, check=True).stdout
    assert fields.split() == ["Package:", "yijiantong", "Version:", __version__, "Architecture:", "amd64"]
    program = installed / "opt" / "yijiantong" / "yijiantong"
    assert program.is_file() and os.access(program, os.X_OK)
    launcher = installed / "usr" / "bin" / "yijiantong"
    assert os.access(launcher, os.X_OK)
    assert 'exec /opt/yijiantong/yijiantong "$@"' in launcher.read_text(encoding="utf-8")
    entry = _desktop_entry(installed / "usr" / "share" / "applications" / "yijiantong.desktop")
    assert entry["Icon"] == "yijiantong" and MIME_TYPE in entry["MimeType"]
    assert (installed / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "yijiantong.png").is_file()
    assert (installed / "usr" / "share" / "mime" / "packages" / "yijiantong.xml").is_file()


def test_deb_depends_name_every_system_library_the_program_loads(built, installed):
    """Each shared library the bundle needs and does not carry comes from a package in Depends."""
    app = installed / "opt" / "yijiantong"
    carried = {p.name for p in app.rglob("*.so*")}
    needed = set()
    for path in [app / "yijiantong", *app.rglob("*.so*")]:
        if path.is_file() and not path.is_symlink():
            dump = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True).stdout
            needed |= set(re.findall(r"NEEDED\s+(\S+)", dump))
    control = subprocess.run(["dpkg-deb", "-f", str(built["deb"]), "Depends", "Recommends"], capture_output=True,
                             text=True, check=True).stdout
    names = re.sub(r"^[A-Za-z-]+:|\([^)]*\)", " ", control, flags=re.MULTILINE)  # field names, versions
    declared = {re.sub(r"t64$", "", name) for name in re.split(r"[\s,|]+", names) if name}
    unmet, checked = {}, []
    for library in sorted(needed - carried):
        owner = subprocess.run(["dpkg", "-S", f"*/{library}"], capture_output=True, text=True)
        if owner.returncode != 0:
            continue  # not installed here, so its package cannot be named from this machine
        package = re.sub(r"t64$", "", owner.stdout.split(":")[0])
        checked.append(library)
        if package not in declared:
            unmet[library] = package
    assert unmet == {}
    assert {"libc.so.6", "libfontconfig.so.1", "libxcb-cursor.so.0"} <= set(checked)


def test_packaged_program_runs_without_python(installed, tmp_path):
    program = installed / "opt" / "yijiantong" / "yijiantong"
    version = _bare_run(program, "--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr.decode()
    assert version.stdout.decode("utf-8").strip() == f"意见通 {__version__}"
    project = tmp_path / "带 空格 的 文件夹" / "演示项目.yjt"
    project.parent.mkdir()
    made = _bare_run(program, "demo-project", str(project), cwd=tmp_path)
    assert made.returncode == 0, made.stderr.decode()
    stats = _bare_run(program, "stats", str(project), "--json", cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr.decode()
    figures = json.loads(stats.stdout.decode("utf-8"))
    assert "32" in json.dumps(figures)  # the demo's 32 comments
    explained = tmp_path / "带 空格 的 文件夹" / "起草情况 说明.docx"
    explain = _bare_run(program, "explain", str(project), "--out", str(explained), cwd=tmp_path)
    assert explain.returncode == 0, explain.stderr.decode()
    with zipfile.ZipFile(explained) as archive:
        assert "起草情况说明" in archive.read("word/document.xml").decode("utf-8")
    # a Traditional-script draft saved as GB18030: encoding guess and OpenCC's tables are in the bundle
    draft = tmp_path / "校外培訓 辦法.txt"
    draft.write_text("某某市校外培訓機構管理辦法（徵求意見稿）\n第一章 總則\n"
                     "第一條 為了規範校外培訓機構辦學行為，制定本辦法。\n"
                     "第二條 本辦法適用於本市行政區域內的校外培訓機構。\n", encoding="gb18030")
    outline = _bare_run(program, "outline", str(draft), "--simplified", cwd=tmp_path)
    assert outline.returncode == 0, outline.stderr.decode()
    assert "为了规范校外培训机构办学行为" in outline.stdout.decode("utf-8")
    broken = _bare_run(program, "stats", str(tmp_path / "没有这个文件.yjt"), cwd=tmp_path)
    assert broken.returncode == 2
    assert broken.stderr.decode("utf-8").startswith("错误：") and b"Traceback" not in broken.stderr
    # what the program wrote went to the user's data folder, nothing into the installed folder
    assert not list((installed / "opt" / "yijiantong").glob("数据"))


def test_packaged_program_draws_its_window(installed, tmp_path):
    program = installed / "opt" / "yijiantong" / "yijiantong"
    picture = tmp_path / "窗口 截图.png"
    shot = _bare_run(program, "--demo", "--screenshot", str(picture), cwd=tmp_path,
                     extra={"QT_QPA_PLATFORM": "offscreen"})
    assert shot.returncode == 0, shot.stderr.decode()
    assert _png_size(picture) == (1440, 900)
    assert picture.stat().st_size > 50_000  # a drawn window, not an empty frame
    data = tmp_path / "home" / ".local" / "share" / "YiJianTong"
    assert any(data.glob("*.yjt")) and (data / "logs").is_dir()


def test_packaged_program_is_portable_with_the_marker(built, tmp_path):
    """The .tar.gz unpacked on a stick with 便携版.txt: the data folder 数据 beside the program."""
    with tarfile.open(built["tar"]) as archive:
        archive.extractall(tmp_path / "U盘", filter="tar")
    folder = tmp_path / "U盘" / f"yijiantong-{__version__}"
    (folder / "便携版.txt").write_text("", encoding="utf-8")
    shot = _bare_run(folder / "yijiantong", "--demo", "--screenshot", str(tmp_path / "x.png"), cwd=tmp_path,
                     extra={"QT_QPA_PLATFORM": "offscreen"})
    assert shot.returncode == 0, shot.stderr.decode()
    assert any((folder / "数据").glob("*.yjt"))
    assert (folder / "数据" / "设置.ini").is_file()
    assert not (tmp_path / "home" / ".local").exists() and not (tmp_path / "home" / ".config").exists()


def test_packaged_program_opens_a_real_x11_window(installed, tmp_path):
    """Under Xvfb: Qt's xcb back end with the system's X11 libraries, as on a desktop."""
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb 未安装")
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            display = ":" + pipe.readline().strip()
        program = installed / "opt" / "yijiantong" / "yijiantong"
        run = _bare_run(program, "--demo", cwd=tmp_path, extra={"DISPLAY": display, "YIJIANTONG_QUIT_WHEN_SHOWN": "1"})
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert run.returncode == 0, run.stderr.decode()
    assert [line.split()[0] for line in run.stdout.decode().splitlines()] == ["shown", "ready"]


def test_packaged_program_reads_a_pdf_reply(installed, tmp_path):
    """A reply letter as PDF (made by LibreOffice from text): pdfminer's CJK tables are in the bundle."""
    converter = shutil.which("soffice") or shutil.which("libreoffice")
    if converter is None:
        pytest.skip("LibreOffice 未安装")
    letter = tmp_path / "财政局 来函.txt"
    letter.write_text("汉中市财政局关于《汉中市提高教育质量三年行动计划（征求意见稿）》的反馈意见\n市教育局：\n"
                      "经研究，提出以下意见：\n1.关于加快教育信息化建设，建议增加“网络安全保障”相关内容。\n"
                      "汉中市财政局\n2023年4月12日\n", encoding="utf-8")
    subprocess.run([converter, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(letter)],
                   check=True, capture_output=True, timeout=180)
    program = installed / "opt" / "yijiantong" / "yijiantong"
    project = tmp_path / "演示.yjt"
    assert _bare_run(program, "demo-project", str(project), cwd=tmp_path).returncode == 0
    reply = _bare_run(program, "reply", str(project), str(letter.with_suffix(".pdf")), "--unit", "市财政局",
                      "--round", "1", cwd=tmp_path)
    assert reply.returncode == 0, reply.stderr.decode()
    assert "建议增加“网络安全保障”相关内容" in reply.stdout.decode("utf-8")
