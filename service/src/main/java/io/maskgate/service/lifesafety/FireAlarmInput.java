package io.maskgate.service.lifesafety;

import io.maskgate.protocol.Topics;
import io.maskgate.protocol.transport.Reconnector;
import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.config.MqttEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The fire-alarm input's own MQTT connection (not the decision ingest's: a flood of decisions cannot delay it),
 * subscribed to the configured panel's topic without a shared group, so every replica hears every alarm (one of
 * them acts: see {@link LifeSafety}). Also re-sends the releases while an alarm lasts.
 */
@Component
public class FireAlarmInput implements SmartLifecycle, MqttCallback {

    private static final Logger log = LoggerFactory.getLogger(FireAlarmInput.class);

    private final LifeSafety lifeSafety;
    private final MqttEndpoint endpoint;
    private final MaskGateProperties.Mqtt config;
    private final LifeSafetyProperties properties;
    private volatile boolean running;
    private MqttAsyncClient client;
    private Reconnector reconnector;
    private ScheduledExecutorService resender;

    public FireAlarmInput(LifeSafety lifeSafety, MqttEndpoint endpoint, MaskGateProperties properties,
                          LifeSafetyProperties lifeSafetyProperties) {
        this.lifeSafety = lifeSafety;
        this.endpoint = endpoint;
        this.config = properties.mqtt();
        this.properties = lifeSafetyProperties;
    }

    @Override
    public void start() {
        running = true;
        if (!lifeSafety.enabled() || config.disabled()) {
            log.info("fire-alarm input off (set maskgate.life-safety.panel-id and panel-key to enable it)");
            return;
        }
        try {
            client = new MqttAsyncClient(endpoint.url(), config.clientId() + "-fire-" + UUID.randomUUID()
                    .toString().substring(0, 8), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalStateException("fire-alarm input: " + e.getMessage(), e);
        }
        client.setCallback(this);
        long timeoutMs = config.connectTimeout().toMillis();
        reconnector = new Reconnector("fire-alarm", () -> client.connect(options()).waitForCompletion(timeoutMs),
                client::isConnected, () -> running, config.reconnectMin(), config.reconnectMax());
        reconnector.trigger();
        long every = properties.resendEvery().toMillis();
        resender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "maskgate-fire-release");
            t.setDaemon(true);
            return t;
        });
        resender.scheduleWithFixedDelay(() -> {
            try {
                lifeSafety.resendReleases();
            } catch (RuntimeException e) {
                log.error("fire release re-send failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private MqttConnectionOptions options() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setSessionExpiryInterval(0L);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(15);
        o.setConnectionTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
        if (StringUtils.hasText(endpoint.username())) {
            o.setUserName(endpoint.username());
        }
        if (StringUtils.hasText(endpoint.password())) {
            o.setPassword(endpoint.password().getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        try {
            client.subscribe(Topics.fireAlarm(lifeSafety.panelId()), 1);
            reconnector.markConnected();
            log.info("fire-alarm input subscribed to {}", Topics.fireAlarm(lifeSafety.panelId()));
        } catch (MqttException e) {
            log.error("fire-alarm input: subscribe failed: {}", e.getMessage());
        }
    }

    /** Fully subscribed: tests wait for this before publishing an alarm. */
    public boolean isConnected() {
        return client != null && client.isConnected();
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        try {
            lifeSafety.onMessage(topic, message.getPayload());
        } catch (RuntimeException e) {
            log.error("fire-alarm message could not be handled: {}", e.toString());
        }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        if (running && reconnector != null) {
            log.warn("fire-alarm input lost its broker connection; reconnecting");
            reconnector.trigger();
        }
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }

    @Override
    public void stop() {
        running = false;
        if (resender != null) {
            resender.shutdownNow();
        }
        if (reconnector != null) {
            reconnector.stop();
        }
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(2_000);
                }
                client.close(true);
            } catch (MqttException e) {
                log.debug("fire-alarm input close: {}", e.getMessage());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
