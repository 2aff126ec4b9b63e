package io.maskgate.agent.ota;

import io.maskgate.agent.inference.ClassifierHolder;
import io.maskgate.agent.inference.TinymlClassifier;
import io.maskgate.agent.mqtt.MqttLink;
import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Wires over-the-air updates into a Java door unit: slots on disk, the unit's {@link MqttLink} for the OTA topics,
 * and a {@link ClassifierHolder} the new model is swapped into between frames. The model the unit was started with
 * is its factory model (slot A on first start).
 */
public final class AgentOta {

    private AgentOta() {
    }

    /**
     * Boots the unit's slots and returns the holder to classify with. Subscribe before {@code link.start()}.
     *
     * @param factoryModel the model file the unit was started with
     */
    public static ClassifierHolder attach(String unitId, HmacKey key, FleetKey fleetPublicKey, Path slotsDir,
                                          Path factoryModel, String factoryVersion, int maskIndex, MqttLink link,
                                          Clock clock) throws Exception {
        ClassifierHolder holder = new ClassifierHolder(new TinymlClassifier(factoryModel, maskIndex, factoryVersion));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ota-" + unitId);
            t.setDaemon(true);
            return t;
        });
        ModelInstaller installer = (version, model) -> {
            TinymlClassifier c = new TinymlClassifier(model, maskIndex, version);
            holder.swap(c);
            System.out.printf("unit %s: now running model %s (%d bytes, arena %d bytes)%n", unitId, version,
                    model.length, c.arenaBytes());
            // the classifier serves frames on other threads meanwhile: the vectors run on their own interpreter
            return new ModelInstaller.Installed(c.arenaBytes(), SelfTestRunner.tinyml().load(model));
        };
        OtaUnit ota = new OtaUnit(unitId, key, fleetPublicKey, new FileSlotStorage(slotsDir), installer,
                link::publishNow, clock, timer);
        ota.boot(factoryVersion, Files.readAllBytes(factoryModel));
        link.subscribe(Topics.ota(unitId), ota::onMessage);
        link.subscribe(Topics.otaChunk(unitId), ota::onMessage);
        link.onConnect(ota::onConnected);
        return holder;
    }
}
