#!/usr/bin/env python3
"""Check the machine before `make run` / `make test` installs anything.

Prints the exact apt-get line for what is missing and exits 1, instead of a traceback later.
Runs on the system python3 (no third-party imports).
"""

import ctypes.util
import importlib.util
import sys

APT = "sudo apt-get install -y"

# (shared library name for ctypes.util.find_library, Debian package, what needs it)
LIBRARIES = [
    ("pango-1.0", "libpango-1.0-0", "WeasyPrint (PDF)"),
    ("pangoft2-1.0", "libpangoft2-1.0-0", "WeasyPrint (PDF)"),
    ("harfbuzz", "libharfbuzz0b", "WeasyPrint (PDF)"),
    ("fontconfig", "libfontconfig1", "WeasyPrint (PDF)"),
    ("magic", "libmagic1", "upload type checks (python-magic)"),
]


def main() -> int:
    problems: list[tuple[str, str]] = []
    if sys.version_info < (3, 11):  # noqa: UP036 — runs on the system python, maybe older
        print(
            f"Cần Python >= 3.11 (đang có {sys.version.split()[0]}). / Python >= 3.11 is required.",
            file=sys.stderr,
        )
        print(f"  {APT} python3 python3-venv", file=sys.stderr)
        return 1
    if importlib.util.find_spec("venv") is None or importlib.util.find_spec("ensurepip") is None:
        problems.append(("python3-venv", "virtual environment (python3 -m venv)"))
    for lib, package, why in LIBRARIES:
        if ctypes.util.find_library(lib) is None:
            problems.append((package, why))
    if not problems:
        return 0
    print("Thiếu thư viện hệ thống / Missing system packages:", file=sys.stderr)
    for package, why in problems:
        print(f"  - {package}: {why}", file=sys.stderr)
    packages = " ".join(dict.fromkeys(p for p, _ in problems))
    print(
        f"\nCài đặt bằng lệnh / Install them with:\n  {APT} {packages} fonts-dejavu-core\n",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
