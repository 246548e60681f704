#!/usr/bin/env python3
# tests/check-potfiles.py — po/POTFILES.in names exactly the files with translatable text.
# Copyright 2026 The Tollgate Authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   tests/check-potfiles.py SOURCE_ROOT
#
# A file that marks strings for translation but is missing from the list never reaches
# translators; a listed file that is gone breaks `ninja tollgate-pot`.

import os
import re
import sys

C_MARKS = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|NC_|ngettext|g_dngettext)\s*\(')
UI_MARKS = re.compile(r'translatable="yes"')
DATA_FILES = re.compile(r'\.(desktop\.in|metainfo\.xml\.in|gschema\.xml)$')


def wanted(root):
    files = set()
    for folder, pattern in (("src", C_MARKS), ("ui", UI_MARKS)):
        for dirpath, _, names in os.walk(os.path.join(root, folder)):
            for name in names:
                if not name.endswith((".c", ".ui")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    if pattern.search(f.read()):
                        files.add(os.path.relpath(path, root))
    for name in os.listdir(os.path.join(root, "data")):
        if DATA_FILES.search(name):
            files.add(os.path.join("data", name))
    return files


def listed(root):
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def main():
    if len(sys.argv) != 2:
        print("usage: check-potfiles.py SOURCE_ROOT", file=sys.stderr)
        return 2
    root = sys.argv[1]
    want, have = wanted(root), listed(root)
    for path in sorted(want - have):
        print(f"po/POTFILES.in: missing {path}, which has translatable text")
    for path in sorted(have - want):
        print(f"po/POTFILES.in: lists {path}, which " +
              ("has no translatable text" if os.path.exists(os.path.join(root, path))
               else "does not exist"))
    return 1 if want != have else 0


if __name__ == "__main__":
    sys.exit(main())
