# Emulator scenario (not firmware): boot the camera (main.py until the frame budget ends), then, as after a
# reboot, run the update of update.py (resuming whatever a power cut left), then boot main.py again. A reboot
# here forgets every firmware module (they run again from the flash); only the flash persists.
import sys

import _host


def boot():
    for name in list(sys.modules):
        if name == "main" or name.startswith("maskgate_"):
            del sys.modules[name]
    _host.cam_reboot()
    _host.emit('{"event": "reboot"}')
    try:
        __import__("main")
    except SystemExit:
        pass


boot()
exec(open("/emul-script/update.py").read(), {"__name__": "__main__"})
boot()
