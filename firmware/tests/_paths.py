"""Makes firmware/ importable and locates protocol/test-vectors, whatever the working directory."""
import os
import sys

FIRMWARE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS = os.path.join(os.path.dirname(FIRMWARE), "protocol", "test-vectors")
if FIRMWARE not in sys.path:
    sys.path.insert(0, FIRMWARE)
