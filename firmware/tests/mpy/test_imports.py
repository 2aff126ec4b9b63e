"""The firmware imports only what an OpenMV camera has: every firmware module loads under the import guard, and
the guard itself refuses a module MicroPython on the camera lacks (so this test can fail)."""
import unittest

import __main__ as boot


class TestImports(unittest.TestCase):

    def test_every_firmware_module_imports_under_micropython(self):
        import sys
        names = sorted(n for n in boot.FIRMWARE_MODULES if n != "main")
        self.assertTrue("maskgate_protocol" in names and "maskgate_unit" in names)
        for name in names:
            __import__(name)
            self.assertTrue(name in sys.modules, name)
        self.assertEqual([], [r for r in boot.refused_imports if r[0] in names])

    def test_guard_refuses_modules_an_openmv_camera_lacks(self):
        # hmac exists in this WebAssembly build (frozen micropython-lib) but not on the camera
        scope = {"__name__": "maskgate_protocol"}
        for missing in ("hmac", "base64", "unittest", "logging"):
            with self.assertRaises(ImportError):
                exec("import " + missing, scope)

    def test_runs_on_real_micropython(self):
        import sys
        self.assertEqual("micropython", sys.implementation.name)
        self.assertEqual((1, 27, 0), sys.implementation.version[:3])
