#!/usr/bin/env python3
# check-test-paths.py — every GLib test path of a test program is /tollgate/SUITE/UNIT/…,
# where SUITE is the program's meson suite and UNIT its name (test-UNIT.c).
#
# Copyright 2026 The Tollgate Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   check-test-paths.py TESTS_DIR
#   check-test-paths.py --self-test     plants breaches in a small tree; each must be caught
#
# Reads TESTS_DIR/meson.build: the tollgate_tests table ('name': [ 'suite', … ]) and the
# test() calls of its own executables (test-connection, test-window-restart). In each
# test-NAME.c it reads the first argument of every g_test_add*() call (a string literal, a
# literal followed by a macro's argument, a variable made by g_strdup_printf, or a macro
# parameter whose uses pass the path), and every other string literal that begins with
# "/tollgate/". Prints each path that is not under /tollgate/SUITE/NAME/ and exits 1.

import os
import re
import sys

TEST_ADD = re.compile(r'\bg_test_add(?:_func|_data_func|_data_func_full|_vtable)?\s*\(')
STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def strip_comments(text):
    """The C source with comments blanked out (newlines kept), strings untouched."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def split_arguments(text, start):
    """The arguments of the call whose '(' is just before @start, split at top-level
    commas, and the offset after its ')'."""
    args = []
    depth = 0
    current = []
    i = start
    while i < len(text):
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            current.append(text[i:j + 1])
            i = j + 1
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            if depth == 0:
                args.append(''.join(current).strip())
                return args, i + 1
            depth -= 1
        elif c == ',' and depth == 0:
            args.append(''.join(current).strip())
            current = []
            i += 1
            continue
        current.append(c)
        i += 1
    raise ValueError('unbalanced call')


def line_of(text, offset):
    return text.count('\n', 0, offset) + 1


def enclosing_macro(text, offset):
    """The name and parameters of the #define that @offset is in, or None."""
    line_start = text.rfind('\n', 0, offset) + 1
    # Walk back over continued lines to the line that starts the directive.
    while True:
        if re.match(r'\s*#\s*define\b', text[line_start:]):
            match = re.match(r'\s*#\s*define\s+(\w+)\(([^)]*)\)', text[line_start:])
            if match is None:
                return None
            params = [p.strip() for p in match.group(2).split(',')]
            return match.group(1), params
        if line_start == 0:
            return None
        previous_end = line_start - 1
        previous_start = text.rfind('\n', 0, previous_end) + 1
        if not text[previous_start:previous_end].rstrip().endswith('\\'):
            return None
        line_start = previous_start


def leading_literal(expression):
    """The concatenated string literals an expression begins with, or None."""
    value = None
    rest = expression.strip()
    while True:
        match = re.match(r'"((?:[^"\\\n]|\\.)*)"\s*', rest)
        if match is None:
            return value
        value = (value or '') + match.group(1)
        rest = rest[match.end():]


def macro_argument_values(text, offset, parameter, depth):
    """When the call at @offset is in a #define and @parameter is one of its parameters,
    what the macro's uses pass for it; else None."""
    macro = enclosing_macro(text, offset)
    if macro is None or parameter not in macro[1]:
        return None
    index = macro[1].index(parameter)
    values = []
    for use in re.finditer(r'\b' + re.escape(macro[0]) + r'\s*\(', text):
        if enclosing_macro(text, use.start()) is not None:
            continue
        args, _ = split_arguments(text, use.end())
        values += resolve(text, args[index], use.start(), depth + 1)
    return values


def resolve(text, expression, offset, depth=0):
    """The path texts (literals, or printf formats) that @expression, the first
    argument of a call at @offset, can stand for: a list of (value, line)."""
    literal = leading_literal(expression)
    if literal is not None:
        # A literal and then a macro's parameter: "/tollgate/db/connection/" path.
        rest = re.sub(r'^\s*(?:"(?:[^"\\\n]|\\.)*"\s*)+', '', expression)
        if rest == '':
            return [(literal, line_of(text, offset))]
        if re.fullmatch(r'\w+', rest) and depth < 3:
            values = macro_argument_values(text, offset, rest, depth)
            if values is not None:
                return [(literal + value, line) for value, line in values]
        return [(literal, line_of(text, offset))]

    if re.fullmatch(r'\w+', expression) and depth < 3:
        values = macro_argument_values(text, offset, expression, depth)
        if values is not None:
            return values

        # The nearest assignment before the call: "path = g_strdup_printf ("…", …)".
        assignment = None
        pattern = r'\b' + re.escape(expression) + r'\s*=\s*g_strdup_printf\s*\('
        for match in re.finditer(pattern, text[:offset]):
            assignment = match
        if assignment is not None:
            args, _ = split_arguments(text, assignment.end())
            return resolve(text, args[0], assignment.start(), depth + 1)

    raise LookupError(expression)


def read_tests(meson_build):
    """{ unit: suite } for every test program meson.build makes."""
    text = strip_hash_comments(open(meson_build, encoding='utf-8').read())
    tests = {}

    table = re.search(r'tollgate_tests\s*=\s*\{(.*?)\n\}', text, re.S)
    if table is None:
        sys.exit('check-test-paths: no tollgate_tests table in ' + meson_build)
    for match in re.finditer(r"'([\w-]+)'\s*:\s*\[\s*'(\w+)'", table.group(1)):
        tests[match.group(1)] = match.group(2)

    # The programs with a test() of their own: which source each executable is made of,
    # and the suite its test() gives it.
    sources = {}
    for match in re.finditer(r"(\w+)\s*=\s*executable\(\s*'[^']*'\s*,\s*'test-([\w-]+)\.c'", text):
        sources[match.group(1)] = match.group(2)
    for match in re.finditer(r"\btest\(\s*'[^']*'\s*,\s*(\w+)\s*,", text):
        if match.group(1) not in sources:
            continue
        args, _ = split_arguments(text, match.start() + text[match.start():].index('(') + 1)
        suite = None
        for arg in args:
            found = re.fullmatch(r"suite\s*:\s*'(\w+)'", arg)
            if found:
                suite = found.group(1)
        if suite is None:
            sys.exit('check-test-paths: the test of %s has no suite' % match.group(1))
        tests[sources[match.group(1)]] = suite

    return tests


def strip_hash_comments(text):
    return re.sub(r"#[^\n']*(?=\n)", '', text)


def check_file(path, suite, unit):
    """The problems of one test program's paths, as messages."""
    text = strip_comments(open(path, encoding='utf-8').read())
    name = os.path.basename(path)
    prefix = '/tollgate/%s/%s/' % (suite, unit)
    problems = []
    registered = 0
    seen_lines = set()

    def check(value, line, what, whole=True):
        # A registered path names a case below the prefix; a literal that only starts
        # one (a macro's "/tollgate/db/connection/" path) may end at it.
        if not value.startswith(prefix) or (whole and len(value) == len(prefix)):
            problems.append('%s:%d: %s "%s" is not under %s' % (name, line, what, value, prefix))

    for call in TEST_ADD.finditer(text):
        try:
            args, _ = split_arguments(text, call.end())
        except ValueError:
            problems.append('%s:%d: cannot read this call' % (name, line_of(text, call.start())))
            continue
        try:
            values = resolve(text, args[0], call.start())
        except LookupError as error:
            problems.append('%s:%d: cannot tell which path "%s" is; register tests with a '
                            'literal path or one made by g_strdup_printf'
                            % (name, line_of(text, call.start()), error.args[0]))
            continue
        for value, line in values:
            registered += 1
            seen_lines.add(line)
            check(value, line, 'test path')

    # Any other path-like literal (a subprocess's -p, a path built elsewhere) too.
    for match in STRING.finditer(text):
        line = line_of(text, match.start())
        if match.group(1).startswith('/tollgate/') and line not in seen_lines:
            check(match.group(1), line, 'path', whole=False)

    if registered == 0:
        problems.append('%s: registers no test path that this check can read' % name)

    return problems


def check_tree(tests_dir):
    """The number of test programs and the problems of their paths."""
    tests = read_tests(os.path.join(tests_dir, 'meson.build'))
    problems = []

    for unit, suite in sorted(tests.items()):
        path = os.path.join(tests_dir, 'test-%s.c' % unit)
        if not os.path.exists(path):
            problems.append('meson.build names test %s, but %s does not exist' % (unit, path))
            continue
        problems += check_file(path, suite, unit)

    # A test program meson.build does not know is not checked here, nor run.
    for entry in sorted(os.listdir(tests_dir)):
        match = re.fullmatch(r'test-([\w-]+)\.c', entry)
        if match and match.group(1) not in tests:
            problems.append('%s is not in tests/meson.build' % entry)

    return len(tests), problems


# --self-test: a small tree of test programs in every registration style the check
# reads, which must pass, and breaches planted in it one at a time, each of which must
# be caught.

SELF_TEST_MESON = """
tollgate_tests = {
  # --- unit ---
  'alpha':      [ 'unit', [ core_dep ], 30 ],
  'beta-gamma': [ 'db', [ test_support_dep ], 120 ],
}

test_delta = executable('test-delta', 'test-delta.c',
  dependencies: [ test_ui_dep ],
)
test('delta', test_delta,
  suite: 'ui',
  is_parallel: false,
)
"""

SELF_TEST_SOURCES = {
    'test-alpha.c': """
/* g_test_add_func ("/not/a/path", ignored); a comment is not code. */
int
main (int argc, char *argv[])
{
  g_test_add_func ("/tollgate/unit/alpha/one", test_one);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strdup_printf ("/tollgate/unit/alpha/case/%u", i);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  return g_test_run ();
}
""",
    'test-beta-gamma.c': """
int
main (int argc, char *argv[])
{
#define ADD(path, func) \\
  g_test_add ("/tollgate/db/beta-gamma/" path, Fixture, NULL, set_up, func, tear_down)
  ADD ("one", test_one);
  ADD ("two", test_two);
#undef ADD
  return g_test_run ();
}
""",
    'test-delta.c': """
#define ADD(path, func) g_test_add_func (path, func)

static void
test_one (void)
{
  g_test_trap_subprocess ("/tollgate/ui/delta/one", 0, G_TEST_SUBPROCESS_DEFAULT);
}

int
main (int argc, char *argv[])
{
  ADD ("/tollgate/ui/delta/one", test_one);
  return g_test_run ();
}
""",
}

SELF_TEST_BREACHES = [
    ('a literal of another suite', 'test-alpha.c',
     '"/tollgate/unit/alpha/one"', '"/tollgate/db/alpha/one"'),
    ('a literal without its suite', 'test-alpha.c',
     '"/tollgate/unit/alpha/one"', '"/tollgate/alpha/one"'),
    ('a literal of another unit', 'test-alpha.c',
     '"/tollgate/unit/alpha/one"', '"/tollgate/unit/alphabet/one"'),
    ('a path that is only the prefix', 'test-alpha.c',
     '"/tollgate/unit/alpha/one"', '"/tollgate/unit/alpha/"'),
    ('a g_strdup_printf path', 'test-alpha.c',
     '"/tollgate/unit/alpha/case/%u"', '"/tollgate/alpha/case/%u"'),
    ('a path that cannot be read', 'test-alpha.c',
     'g_test_add_func ("/tollgate/unit/alpha/one", test_one);',
     'g_test_add_func (some_path, test_one);'),
    ('a macro\'s literal prefix', 'test-beta-gamma.c',
     '"/tollgate/db/beta-gamma/"', '"/tollgate/db/beta/"'),
    ('a path passed to a macro', 'test-delta.c',
     'ADD ("/tollgate/ui/delta/one"', 'ADD ("/tollgate/delta/one"'),
    ('another path literal', 'test-delta.c',
     'g_test_trap_subprocess ("/tollgate/ui/delta/one"',
     'g_test_trap_subprocess ("/tollgate/ui/window/one"'),
    ('a suite changed in meson.build', 'meson.build',
     "'alpha':      [ 'unit',", "'alpha':      [ 'db',"),
    ('a special test\'s suite changed', 'meson.build',
     "suite: 'ui',", "suite: 'db',"),
    ('a program meson.build does not list', 'test-epsilon.c',
     None, 'int main (void) { g_test_add_func ("/tollgate/unit/epsilon/one", f); }'),
]


def write_self_test_tree(directory, breach=None):
    files = dict(SELF_TEST_SOURCES)
    files['meson.build'] = SELF_TEST_MESON
    if breach is not None:
        _, name, old, new = breach
        if old is None:
            files[name] = new
        else:
            if old not in files[name]:
                sys.exit('check-test-paths: the self-test cannot plant %r' % breach[0])
            files[name] = files[name].replace(old, new, 1)
    for name, text in files.items():
        with open(os.path.join(directory, name), 'w', encoding='utf-8') as out:
            out.write(text)


def self_test():
    import tempfile

    failures = 0
    with tempfile.TemporaryDirectory(prefix='tg-check-test-paths-') as root:
        good = os.path.join(root, 'good')
        os.mkdir(good)
        write_self_test_tree(good)
        n_programs, problems = check_tree(good)
        if n_programs != 3 or problems:
            print('not ok: the correct tree has %d programs and problems: %s'
                  % (n_programs, problems))
            failures += 1
        else:
            print('ok: the correct tree passes')

        for i, breach in enumerate(SELF_TEST_BREACHES):
            directory = os.path.join(root, 'breach-%d' % i)
            os.mkdir(directory)
            write_self_test_tree(directory, breach)
            _, problems = check_tree(directory)
            if problems:
                print('ok: %s is caught: %s' % (breach[0], problems[0]))
            else:
                print('not ok: %s is not caught' % breach[0])
                failures += 1

    return 1 if failures else 0


def main():
    if sys.argv[1:] == ['--self-test']:
        return self_test()
    if len(sys.argv) != 2:
        sys.exit('usage: check-test-paths.py TESTS_DIR | --self-test')

    n_programs, problems = check_tree(sys.argv[1])
    for problem in problems:
        print(problem)
    print('%d test programs checked, %d problems' % (n_programs, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
