"""Build the packaged 意见通 with PyInstaller (one folder, no Python needed where it runs).

    .venv/bin/python assets/packaging/build.py

Linux writes ``dist/yijiantong-<version>-linux-x86_64.tar.gz`` (the folder ``yijiantong-<version>``
with the executable ``yijiantong`` at its top) and ``dist/yijiantong_<version>_amd64.deb``
(installs under /opt/yijiantong, the launcher /usr/bin/yijiantong, the desktop entry, the icon and
the .yjt file type). Windows writes ``dist\\yijiantong-<version>-windows-x64.zip`` and, when Inno
Setup's ``iscc`` is on PATH, the installer from ``yijiantong.iss``.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent.parent
BUILD = ROOT / "build" / "package"
DIST = ROOT / "dist"
NAME = "yijiantong"
ICON = ROOT / "assets" / "yijiantong.png"
ICON_SVG = ROOT / "assets" / "yijiantong.svg"
DESKTOP_FILE = PACKAGING / "yijiantong.desktop"
MIME_FILE = PACKAGING / "yijiantong-mime.xml"
CONTROL_TEMPLATE = PACKAGING / "debian" / "control"
INSTALL_DIR = "opt/yijiantong"
LAUNCHER = '#!/bin/sh\n# 意见通\nexec /opt/yijiantong/yijiantong "$@"\n'


def app_version() -> str:
    """``feedback.__version__``, read from its file so that building imports nothing of the app."""
    text = (ROOT / "feedback" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE).group(1)


def build_bundle() -> Path:
    """Run PyInstaller on the spec; return the one-folder app."""
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(BUILD / "dist"), "--workpath", str(BUILD / "work"),
                    str(PACKAGING / "yijiantong.spec")], check=True, cwd=ROOT)
    return BUILD / "dist" / NAME


def _is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(folder: Path) -> list[Path]:
    """The executables and shared libraries in ``folder`` (symbolic links left out)."""
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink() and _is_elf(p))


def required_glibc(folder: Path) -> tuple[tuple[int, ...], list[Path]]:
    """The highest GLIBC_x.y symbol version any binary in ``folder`` needs, and the binaries needing it."""
    highest, needing = (0,), []
    for path in elf_files(folder):
        listing = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True).stdout
        versions = {tuple(int(n) for n in v.split(".")) for v in re.findall(r"\bGLIBC_([0-9.]+)\b", listing)}
        if not versions:
            continue
        top = max(versions)
        if top > highest:
            highest, needing = top, [path]
        elif top == highest:
            needing.append(path)
    return highest, needing


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in Path(folder).rglob("*") if not p.is_dir())


def _tar_filter(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def write_tarball(app: Path, version: str) -> Path:
    """``dist/yijiantong-<version>-linux-x86_64.tar.gz``: the folder ``yijiantong-<version>``."""
    DIST.mkdir(exist_ok=True)
    target = DIST / f"{NAME}-{version}-linux-x86_64.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(app, arcname=f"{NAME}-{version}", filter=_tar_filter)
    return target


def _copy(source: Path, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def write_deb(app: Path, version: str, glibc: tuple[int, ...]) -> Path:
    """``dist/yijiantong_<version>_amd64.deb`` built with dpkg-deb from a staging root.

    The desktop entry, icon and MIME type are registered by the file triggers of
    desktop-file-utils, hicolor-icon-theme and shared-mime-info: no maintainer scripts.
    """
    root = BUILD / "deb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(app, root / INSTALL_DIR, symlinks=True)
    launcher = root / "usr" / "bin" / NAME
    launcher.parent.mkdir(parents=True)
    launcher.write_text(LAUNCHER, encoding="utf-8")
    launcher.chmod(0o755)
    share = root / "usr" / "share"
    _copy(DESKTOP_FILE, share / "applications" / f"{NAME}.desktop")
    _copy(MIME_FILE, share / "mime" / "packages" / f"{NAME}.xml")
    _copy(ICON, share / "icons" / "hicolor" / "256x256" / "apps" / f"{NAME}.png")
    _copy(ICON_SVG, share / "icons" / "hicolor" / "scalable" / "apps" / f"{NAME}.svg")
    for path in root.rglob("*"):  # dpkg-deb wants no group- or world-writable files
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~(stat.S_IWGRP | stat.S_IWOTH))
    control = CONTROL_TEMPLATE.read_text(encoding="utf-8").format(
        version=version, installed_size=(folder_size(root) + 1023) // 1024,
        glibc=".".join(map(str, glibc)))
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(control, encoding="utf-8")
    DIST.mkdir(exist_ok=True)
    target = DIST / f"{NAME}_{version}_amd64.deb"
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", "-Zxz", "-z6", str(root), str(target)],
                   check=True, stdout=subprocess.DEVNULL)
    return target


def write_windows(app: Path, version: str) -> list[Path]:
    """The one-folder app as a zip (portable use) and, with Inno Setup at hand, the installer."""
    DIST.mkdir(exist_ok=True)
    target = DIST / f"{NAME}-{version}-windows-x64.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(app.rglob("*")):
            archive.write(path, Path(f"{NAME}-{version}") / path.relative_to(app))
    written = [target]
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    if iscc:
        subprocess.run([iscc, f"/DAppVersion={version}", f"/DAppFolder={app}", f"/O{DIST}",
                        str(PACKAGING / "yijiantong.iss")], check=True)
        written.append(DIST / f"{NAME}-{version}-windows-x64-setup.exe")
    else:
        print("未找到 Inno Setup 的 iscc，未生成安装程序（见 README“打包”一节）。")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="打包意见通（PyInstaller 单文件夹）")
    parser.add_argument("--no-build", action="store_true", help="沿用 build/package 中已生成的程序文件夹，只重新打包")
    options = parser.parse_args(argv)
    version = app_version()
    app = BUILD / "dist" / NAME if options.no_build else build_bundle()
    if not (app / (NAME + (".exe" if os.name == "nt" else ""))).is_file():
        print(f"错误：程序文件夹“{app}”中没有 {NAME}", file=sys.stderr)
        return 2
    print(f"程序文件夹：{app}（{folder_size(app) / 2**20:.0f} MB）")
    if os.name == "nt":
        written = write_windows(app, version)
    else:
        glibc, needing = required_glibc(app)
        print(f"需要 glibc ≥ {'.'.join(map(str, glibc))}（{len(needing)} 个文件，如 {needing[0].relative_to(app)}）")
        written = [write_tarball(app, version), write_deb(app, version, glibc)]
    for path in written:
        print(f"已生成 {path.relative_to(ROOT)}（{path.stat().st_size / 2**20:.0f} MB）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
