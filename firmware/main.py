"""MaskGate door unit: runs on the OpenMV Cam at boot. Copy to the camera's flash (or SD card) with the other
firmware files (see firmware/README.md); the loop itself is maskgate_camera.main()."""

import maskgate_camera

maskgate_camera.main()
