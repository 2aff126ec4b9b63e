package io.maskgate.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The firmware's own modules under real MicroPython 1.27 (WebAssembly): protocol/test-vectors, HMAC known answers,
 * unit logic on the emulated flash, and the import guard (a firmware module importing something an OpenMV camera
 * lacks, such as hmac, fails). The CPython tests of the same modules still run in protocol's FirmwareMirrorTest.
 */
class FirmwareMicroPythonTest {

    @Test
    void firmwareTestsPassUnderRealMicroPython() throws Exception {
        MicroPythonHost.require();
        MicroPythonHost.Result r = MicroPythonHost.run(List.of("test"), 600);
        assertEquals(0, r.exit(), r.output());
        MicroPythonHost.assertClosingLine(r.output(), 50); // 54 today: the OTA tests must not drop out unnoticed
    }
}
