package io.maskgate.service.verify;

import io.maskgate.protocol.MessageCodec;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.command.CommandDispatcher;
import io.maskgate.service.decision.PolicyEvaluator;
import io.maskgate.service.event.EventWriter;
import io.maskgate.service.metrics.MaskGateMetrics;
import io.maskgate.service.model.ModelRepository;
import io.maskgate.service.security.SecretCipher;
import io.maskgate.service.unit.PersistentSequenceState;
import io.maskgate.service.unit.UnitRegistry;
import io.maskgate.verifier.VerificationQueue;
import io.maskgate.verifier.model.FloatModelCache;
import io.maskgate.verifier.model.ModelCatalog;
import io.maskgate.verifier.model.ModelLoadException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.ClassUtils;

/**
 * Wires the float re-verification. The float models need TensorFlow Java, which the service does not carry by
 * itself (it is an optional dependency of the verifier module, kept out of the service image): without it on the
 * class path every crop is UNVERIFIED (NO_MODEL) and ENFORCE_VERIFIED doors stay locked for uncertain decisions.
 */
@Configuration(proxyBeanMethods = false)
public class VerifierConfig {

    private static final Logger log = LoggerFactory.getLogger(VerifierConfig.class);

    /**
     * A version's float model comes from the registry first (its uploaded zip, unpacked under
     * {@code maskgate.verify.model-cache}), then from {@code maskgate.verify.models-dir}.
     */
    @Bean(destroyMethod = "close")
    FloatModelCache floatModels(VerifyProperties p, ModelRepository models, VerifyMetrics metrics) {
        ModelCatalog catalog = new ModelCatalog(p.modelsDir(), new RegistryFloatModels(models, p.modelCache(),
                p.maxFloatModelBytes().toBytes(), metrics));
        if (!ClassUtils.isPresent("org.tensorflow.SavedModelBundle", VerifierConfig.class.getClassLoader())) {
            log.warn("TensorFlow Java is not on the class path: float re-verification is off, uncertain decisions "
                    + "are UNVERIFIED (start with ./maskgate service, which adds verifier/target/lib)");
            return new FloatModelCache(catalog, p.maxModels(), dir -> {
                throw new ModelLoadException("TensorFlow Java is not on the service's class path");
            });
        }
        log.info("float re-verification: models from the registry (unpacked under {}), else {}; at most {} loaded, "
                        + "queue {}, batch {}, {} worker(s)", p.modelCache(), catalog.root(), p.maxModels(),
                p.queueCapacity(), p.maxBatch(), p.workers());
        return new FloatModelCache(catalog, p.maxModels());
    }

    @Bean(destroyMethod = "close")
    VerificationQueue verificationQueue(FloatModelCache models, VerifyProperties p, VerifyMetrics metrics) {
        VerificationQueue queue = new VerificationQueue(models, p.queueCapacity(), p.maxBatch(), p.workers());
        metrics.queueDepth(queue::depth);
        return queue;
    }

    @Bean
    HeldDecisions heldDecisions(VerifyProperties p) {
        return new HeldDecisions(p.maxHeld(), p.holdFor().toMillis());
    }

    @Bean
    VerifyMetrics verifyMetrics(MeterRegistry registry) {
        return new VerifyMetrics(registry);
    }

    @Bean(destroyMethod = "close")
    VerificationStore verificationStore(JdbcClient jdbc, SecretCipher cipher, VerifyMetrics metrics,
                                        VerifyProperties p) {
        return new VerificationStore(jdbc, cipher, metrics, p.frameRetention());
    }

    @Bean(destroyMethod = "close")
    Reverification reverification(DoorBands bands, HeldDecisions held, VerificationQueue queue,
                                  VerificationStore store, PolicyEvaluator policies, CommandDispatcher commands,
                                  EventWriter events, MaskGateMetrics decisionMetrics, VerifyMetrics metrics,
                                  Clock clock) {
        return new Reverification(bands, held, queue, store, policies, commands, events, decisionMetrics, metrics,
                clock);
    }

    @Bean
    FrameIngest frameIngest(MessageCodec codec, UnitRegistry units, PersistentSequenceState sequences,
                            HeldDecisions held, Reverification reverification, VerifyMetrics metrics,
                            VerifyProperties p) {
        FrameIngest ingest = new FrameIngest(codec, units, sequences, held, reverification, metrics,
                p.earlyFrameWait());
        reverification.every(Duration.ofMillis(100), () -> ingest.expireParked(System.nanoTime()));
        return ingest;
    }

    @Bean
    FramePurge framePurge(JdbcClient jdbc, AuditLog audit, VerifyProperties p) {
        return new FramePurge(jdbc, audit, p);
    }
}
