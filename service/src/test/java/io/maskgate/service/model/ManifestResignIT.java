package io.maskgate.service.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.ManifestVerifier;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ModelManifest;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.it.AbstractServiceIT;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A manifest stored under an earlier fleet key (the key was rotated, or the database outlived the key file: the
 * shipped model registered by one service start, rolled out by another) would make every unit refuse the version
 * as BAD_SIGNATURE, rollbacks to it included. Delivery re-signs it once with the current key, audited.
 */
class ManifestResignIT extends AbstractServiceIT {

    @Autowired
    ModelRegistry registry;
    @Autowired
    ModelRepository repository;
    @Autowired
    AuditLog audit;

    @Test
    void aManifestSignedByAnEarlierKeyIsSignedAgainOnceWithTheCurrentKey() throws Exception {
        String published = id("resign-src");
        byte[] tflite = ModelMutations.shipped();
        ModelRegistry.Published p = registry.publish("it", published, tflite, null, "no_mask\nmask\n", null, null);
        assertThat(p.report().passed()).as(p.report().refusal()).isTrue();
        MessageCodec codec = new MessageCodec();
        ModelManifest source = codec.decodeManifest(repository.find(published).orElseThrow().manifest()
                .getBytes(StandardCharsets.UTF_8));
        // the same model stored by an earlier service whose fleet key was another one
        String version = id("resign");
        ModelManifest content = new ModelManifest(source.v(), version, source.sha256(), source.size(), source.ops(),
                source.arenaBytes(), source.inputBytes(), source.selfTests(), source.created(), null);
        String byOldKey = codec.encodeToString(FleetKey.generate().sign(content));
        repository.insert(version, source.sha256(), tflite, null, null, "no_mask\nmask\n", null, ModelStatus.READY,
                repository.report(published).orElseThrow(), null, byOldKey, "it");
        FleetKey current = FleetKey.parsePublic(anonymous.getForObject("/api/ota/fleet-key", JsonNode.class)
                .get("publicKey").asText());
        assertThat(new ManifestVerifier(codec, current).verify(byOldKey.getBytes(StandardCharsets.UTF_8)).accepted())
                .as("units would refuse the stored manifest").isFalse();

        String delivered = registry.manifestText(version).orElseThrow();
        var verdict = new ManifestVerifier(codec, current).verify(delivered.getBytes(StandardCharsets.UTF_8));
        assertThat(verdict.accepted()).as(verdict.detail()).isTrue();
        assertThat(verdict.message().canonical()).as("same signed content").isEqualTo(content.canonical());
        assertThat(registry.manifestText(version)).contains(delivered);
        assertThat(registry.manifest(version).sig()).isEqualTo(verdict.message().sig());
        assertThat(repository.find(version).orElseThrow().manifest()).as("the version stays immutable")
                .isEqualTo(byOldKey);
        assertThat(audit.latest(500).stream().filter(e -> e.action().equals("MANIFEST_RESIGNED")
                && e.target().equals(version))).hasSize(1);
        // a manifest the current key signed is delivered as stored
        assertThat(registry.manifestText(published)).contains(repository.find(published).orElseThrow().manifest());
    }
}
