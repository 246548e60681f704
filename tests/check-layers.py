#!/usr/bin/env python3
# tests/check-layers.py — the layer rules of docs/architecture.md, checked on the sources.
# Copyright 2026 The Tollgate Authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   tests/check-layers.py SRC_DIR       check the tree; list every breach, exit 1 if any
#   tests/check-layers.py --self-test   plant breaches in a copy of a small tree and
#                                       check that each is caught
#
# A file may include the headers of its own layer and of the layers its layer may use,
# and no header of a library its layer must not use. SQL text lives in src/db only (and
# data/sql/): a string literal in another layer that starts like a statement is a breach.
# Headers are matched by name: every project header name is unique across src/.

import os
import re
import shutil
import sys
import tempfile

# Which project layers each layer may include (its own always).
ALLOWED_LAYERS = {
    "core": set(),
    "db": {"core"},
    "net": {"core"},
    "secrets": {"core"},
    "report": {"core"},
    "service": {"core", "db", "net", "secrets", "report"},
    "ui": {"core", "db", "net", "secrets", "report", "service"},
    "cli": {"core", "db", "net", "secrets", "report", "service"},
}

# System headers a layer must not include (a prefix of the included path). The wrapping
# layers own their library: service reaches libpq, libcurl and libsecret only through
# db, net and secrets.
GTK = ["gtk/", "gdk/", "adwaita.h", "gsk/"]
LIBPQ = ["libpq-fe.h", "libpq/", "postgresql/"]
CURL = ["curl/"]
SECRET = ["libsecret/"]
DRAWING = ["cairo", "pango/"]
JSON = ["json-glib/"]
FORBIDDEN_SYSTEM = {
    "core": GTK + LIBPQ + CURL + SECRET + DRAWING + JSON + ["gio/"],
    "db": GTK + CURL + SECRET + DRAWING + JSON,
    "net": GTK + LIBPQ + SECRET + DRAWING + JSON,
    "secrets": GTK + LIBPQ + CURL + DRAWING + JSON,
    "report": GTK + LIBPQ + CURL + SECRET + JSON,
    "service": GTK + LIBPQ + CURL + SECRET,
    "ui": [],
    "cli": GTK,
}

# Layers where SQL text must not appear.
NO_SQL = {"core", "net", "secrets", "report", "service", "ui", "cli"}
SQL_LITERAL = re.compile(
    r'"\s*(SELECT|INSERT|UPDATE|DELETE|WITH|BEGIN|COMMIT|ROLLBACK|CREATE|ALTER|DROP|GRANT|'
    r'REVOKE|LISTEN|UNLISTEN|NOTIFY|SET|SHOW|COPY|TRUNCATE|CALL|VACUUM|ANALYZE|LOCK)\b')
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.MULTILINE)
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.DOTALL)


def source_files(src):
    for layer in sorted(os.listdir(src)):
        folder = os.path.join(src, layer)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith((".c", ".h")):
                yield layer, os.path.join(folder, name)


def check(src):
    layers = {layer for layer in os.listdir(src) if os.path.isdir(os.path.join(src, layer))}
    unknown = layers - set(ALLOWED_LAYERS)
    problems = [f"{src}/{layer}: a folder that no layer rule names (add it to "
                f"tests/check-layers.py and docs/architecture.md)" for layer in sorted(unknown)]

    owner = {}
    for layer, path in source_files(src):
        name = os.path.basename(path)
        if name.endswith(".h"):
            if name in owner and owner[name] != layer:
                problems.append(f"{path}: header name also used in src/{owner[name]}")
            owner[name] = layer

    for layer, path in source_files(src):
        if layer not in ALLOWED_LAYERS:
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        code = COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
        for match in INCLUDE.finditer(code):
            kind, header = match.groups()
            line = code.count("\n", 0, match.start()) + 1
            base = os.path.basename(header)
            if kind == '"' and base in owner:
                target = owner[base]
                if target != layer and target not in ALLOWED_LAYERS[layer]:
                    problems.append(f"{path}:{line}: src/{layer} includes {header} of "
                                    f"src/{target}, a layer it may not use")
            elif kind == "<":
                for prefix in FORBIDDEN_SYSTEM[layer]:
                    if header.startswith(prefix):
                        problems.append(f"{path}:{line}: src/{layer} includes <{header}>, "
                                        f"a library it may not use")
                        break
        if layer in NO_SQL:
            for number, line_text in enumerate(code.split("\n"), 1):
                if SQL_LITERAL.search(line_text):
                    problems.append(f"{path}:{number}: SQL text outside src/db: "
                                    f"{line_text.strip()[:60]}")
    return problems


def self_test():
    """Each planted breach must be reported; the clean tree must pass."""
    plants = [
        ("core", "tg-a.c", '#include "tg-b.h"\n', "upward include core -> db"),
        ("db", "tg-b.c", '#include "tg-e.h"\n', "upward include db -> ui"),
        ("service", "tg-d.c", '#include "tg-e.h"\n', "upward include service -> ui"),
        ("cli", "tg-f.c", '#include "tg-e.h"\n', "sideways include cli -> ui"),
        ("service", "tg-d.c", "#include <gtk/gtk.h>\n", "GTK in service"),
        ("service", "tg-d.c", "#include <libpq-fe.h>\n", "libpq in service"),
        ("core", "tg-a.c", "#include <gio/gio.h>\n", "GIO in core"),
        ("ui", "tg-e.c", 'static const char q[] = "SELECT 1";\n', "SQL text in ui"),
        ("cli", "tg-f.c", 'run ("  UPDATE t SET x = 1");\n', "SQL text in cli"),
    ]
    clean = {
        "core": {"tg-a.h": "", "tg-a.c": '#include "tg-a.h"\n#include <glib.h>\n'},
        "db": {"tg-b.h": "", "tg-b.c": '#include "tg-a.h"\n#include <libpq-fe.h>\n'
                                       'const char *s = "SELECT 1";\n'},
        "net": {}, "secrets": {}, "report": {},
        "service": {"tg-d.h": "", "tg-d.c": '#include "tg-b.h"\n/* "SELECT" in a comment */\n'},
        "ui": {"tg-e.h": "", "tg-e.c": '#include "tg-d.h"\n#include <gtk/gtk.h>\n'
                                        'const char *t = "Select a database";\n'},
        "cli": {"tg-f.c": '#include "tg-d.h"\n'},
    }
    failures = []
    with tempfile.TemporaryDirectory() as root:
        def build(extra):
            tree = os.path.join(root, "src")
            shutil.rmtree(tree, ignore_errors=True)
            for layer, files in clean.items():
                os.makedirs(os.path.join(tree, layer))
                for name, body in files.items():
                    with open(os.path.join(tree, layer, name), "w") as f:
                        f.write(body)
            if extra:
                layer, name, line, _ = extra
                with open(os.path.join(tree, layer, name), "a") as f:
                    f.write(line)
            return tree

        found = check(build(None))
        if found:
            failures.append(f"the clean tree was refused: {found}")
        for plant in plants:
            if not check(build(plant)):
                failures.append(f"not caught: {plant[3]}")
    for failure in failures:
        print(f"check-layers self-test: {failure}")
    print(f"check-layers self-test: {len(plants) - len(failures)} of {len(plants)} "
          f"planted breaches caught")
    return 1 if failures else 0


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        return self_test()
    if len(sys.argv) != 2:
        print("usage: check-layers.py SRC_DIR | --self-test", file=sys.stderr)
        return 2
    problems = check(sys.argv[1])
    for problem in problems:
        print(problem)
    print(f"check-layers: {len(problems)} breach{'es' if len(problems) != 1 else ''} "
          f"of the layer rules")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
