"""Minimal test runner for the MicroPython side (micropython-lib's unittest gives the assertions; this runs them
and prints one line per test and the closing 'N passed, N failed' line)."""
import os
import sys
import unittest

FAILED = -1


def _cases(module):
    for name in sorted(dir(module)):
        obj = getattr(module, name)
        try:
            if isinstance(obj, type) and issubclass(obj, unittest.TestCase) and obj is not unittest.TestCase:
                yield name, obj
        except TypeError:
            pass


def main(only=""):
    global FAILED
    passed = 0
    failed = 0
    for file in sorted(os.listdir("/tests")):
        if not (file.startswith("test_") and file.endswith(".py")):
            continue
        mod_name = file[:-3]
        try:
            module = __import__(mod_name)
        except Exception as e:  # a module that cannot even be imported fails as a whole
            failed += 1
            print("FAIL " + mod_name + " (import): " + type(e).__name__ + ": " + str(e))
            continue
        for cname, cls in _cases(module):
            for meth in sorted(dir(cls)):
                if not meth.startswith("test"):
                    continue
                full = "%s.%s.%s" % (mod_name, cname, meth)
                if only and only not in full:
                    continue
                case = cls()
                try:
                    if hasattr(case, "setUp"):
                        case.setUp()
                    try:
                        getattr(case, meth)()
                    finally:
                        if hasattr(case, "tearDown"):
                            case.tearDown()
                    passed += 1
                    print("ok   " + full)
                except Exception as e:
                    failed += 1
                    print("FAIL " + full + ": " + type(e).__name__ + ": " + str(e))
                    sys.print_exception(e)
    print("micropython: %d passed, %d failed" % (passed, failed))
    FAILED = failed
    if passed == 0:
        FAILED = 1  # a run that ran nothing is a failure
