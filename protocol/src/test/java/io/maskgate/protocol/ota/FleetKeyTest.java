package io.maskgate.protocol.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.ModelManifest;
import org.junit.jupiter.api.Test;

class FleetKeyTest {

    @Test
    void seedGivesTheSameKeyPairEveryTimeAndItsPublicHalfVerifies() {
        FleetKey a = FleetKey.generate();
        FleetKey b = FleetKey.parseSeed(a.seedBase64Url());
        assertEquals(a.publicBase64Url(), b.publicBase64Url());
        ModelManifest signed = a.sign(GenerateOtaVectorsTest.manifest());
        assertTrue(FleetKey.parsePublic(b.publicBase64Url()).verify(signed));
        assertEquals(signed.sig(), b.sign(GenerateOtaVectorsTest.manifest()).sig(), "Ed25519 is deterministic");
    }

    @Test
    void anotherKeyOrAChangedFieldFails() {
        FleetKey a = FleetKey.generate();
        ModelManifest signed = a.sign(GenerateOtaVectorsTest.manifest());
        assertFalse(FleetKey.generate().verify(signed));
        ModelManifest changed = new ModelManifest(signed.v(), signed.version(), signed.sha256(), signed.size() + 1,
                signed.ops(), signed.arenaBytes(), signed.inputBytes(), signed.selfTests(), signed.created(),
                signed.sig());
        assertFalse(a.verify(changed));
        assertFalse(a.verify(signed.withSig(null)));
    }

    @Test
    void verifyOnlyKeysCannotSignAndNeverPrintTheSeed() {
        FleetKey a = FleetKey.generate();
        FleetKey pub = a.publicOnly();
        assertFalse(pub.canSign());
        assertThrows(IllegalStateException.class, () -> pub.sign(GenerateOtaVectorsTest.manifest()));
        assertFalse(a.toString().contains(a.seedBase64Url()));
        assertThrows(IllegalArgumentException.class, () -> FleetKey.parsePublic("AAAA"));
    }
}
