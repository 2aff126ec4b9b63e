package io.maskgate.service.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code maskgate.*} setting in one typed place; defaults live in application.yml so they are documented
 * in one file.
 */
@ConfigurationProperties("maskgate")
public record MaskGateProperties(Path dataDir, Mqtt mqtt, Embedded embedded, Decisions decisions, Commands commands,
                                 Events events, Duration cacheRefresh, Security security) {

    /**
     * Broker connection; an empty url means "start the in-process broker". {@code disabled} (CLI tools only)
     * keeps the client from connecting at all. {@code reconnectMin}/{@code reconnectMax} bound the reconnect
     * backoff (doubling from min, capped at max). {@code maxPacketSize}: the largest packet the service accepts
     * (MQTT 5 Maximum Packet Size: the broker drops bigger messages instead of delivering them).
     */
    public record Mqtt(String url, String username, String password, String clientId, String shareGroup,
                       Duration sessionExpiry, int inflight, Duration connectTimeout, boolean disabled,
                       Duration reconnectMin, Duration reconnectMax, DataSize maxPacketSize, Tls tls) {

        /** The password never appears in logs or error messages. */
        @Override
        public String toString() {
            return "Mqtt[url=" + url + ", username=" + username + ", password=" + Secrets.mask(password)
                    + ", clientId=" + clientId + ", shareGroup=" + shareGroup + ", maxPacketSize=" + maxPacketSize
                    + ", tls=" + tls + "]";
        }
    }

    /**
     * MQTT over TLS ({@code ssl://} urls): {@code caFile} (PEM) is the CA the broker's certificate must chain to
     * (empty: the JVM's trust store); {@code keyStore} (PKCS#12) and its password an optional client certificate.
     */
    public record Tls(String caFile, String keyStore, String keyStorePassword) {

        public boolean hasCa() {
            return StringUtils.hasText(caFile);
        }

        @Override
        public String toString() {
            return "Tls[caFile=" + caFile + ", keyStore=" + keyStore + ", keyStorePassword="
                    + Secrets.mask(keyStorePassword) + "]";
        }
    }

    /** Ports and persistence of the zero-setup embedded PostgreSQL and broker (0 = a free port). */
    public record Embedded(int postgresPort, int mqttPort, String mqttPersistence) {
    }

    /**
     * Timestamp allowance of decisions: older than maxAge is STALE, more than maxAhead ahead is FUTURE (both
     * rejected). {@code unlockMaxAge} is much shorter: an accepted decision captured longer ago than that (plus
     * {@code unlockClockSkew} for unit clocks running behind) is logged but never counts toward an unlock, so a
     * backlog released after a network blip does not open the door for whoever stands there now.
     */
    public record Decisions(Duration maxAge, Duration maxAhead, Boolean replicaSync, Duration replicaSyncInterval,
                            Duration unlockMaxAge, Duration unlockClockSkew) {

        public static final Duration DEFAULT_UNLOCK_MAX_AGE = Duration.ofSeconds(2);

        /** How old (by capturedAt, skew included) a decision may be and still count toward an unlock. */
        public Duration unlockFreshness() {
            return (unlockMaxAge == null ? DEFAULT_UNLOCK_MAX_AGE : unlockMaxAge)
                    .plus(unlockClockSkew == null ? Duration.ZERO : unlockClockSkew);
        }

        /** Whether replicas tell each other which (unit, seq) they accepted (default on). */
        public boolean replicaSyncEnabled() {
            return replicaSync == null || replicaSync;
        }
    }

    /**
     * Command lifetime, ack timeout and bounded retries. {@code settleAfter}: a command still SENT/RESENT in the
     * database this long after it expired (its sender stopped before the ack or the timeout was recorded) is
     * settled as NO_ACK with an ALERT, at start and periodically.
     */
    public record Commands(Duration ttl, Duration ackTimeout, int maxAttempts, Duration settleAfter) {

        public Duration settleAfterOrDefault() {
            return settleAfter == null ? Duration.ofSeconds(30) : settleAfter;
        }
    }

    /**
     * Event writer queue and batching. {@code linger}: how long a batch may wait, from its first event, for more
     * (fewer, larger transactions at moderate load; the door path never waits on the database).
     */
    public record Events(int queueCapacity, int batchSize, Duration flushInterval, Duration linger, Journal journal) {

        /** The journal's settings ({@code journal:} absent: enabled with the defaults). */
        public Journal journalOrDefault() {
            return journal == null ? new Journal(null, null, null) : journal;
        }
    }

    /**
     * The event writer's local journal for database outages ({@code event/EventJournal}): where (empty: {@code
     * <data-dir>/journal/<mqtt client-id>}, one per service process) and how much it may hold before the writer
     * stops acknowledging decisions (back-pressure on the broker, never loss). {@code enabled=false}: no journal,
     * an outage is back-pressure at once.
     */
    public record Journal(Boolean enabled, Path dir, DataSize maxSize) {

        public boolean on() {
            return enabled == null || enabled;
        }

        public long maxBytes() {
            return maxSize == null ? DataSize.ofMegabytes(512).toBytes() : maxSize.toBytes();
        }
    }

    /** Master key for key encryption and the optional first admin. */
    public record Security(String masterKey, String masterKeyFile, String adminUser, String adminPassword) {

        /** The master key and the admin password never appear in logs or error messages. */
        @Override
        public String toString() {
            return "Security[masterKey=" + Secrets.mask(masterKey) + ", masterKeyFile=" + masterKeyFile
                    + ", adminUser=" + adminUser + ", adminPassword=" + Secrets.mask(adminPassword) + "]";
        }
    }

    /** How a secret shows in toString: whether it is set, never its value. */
    public static final class Secrets {
        private Secrets() {
        }

        public static String mask(String secret) {
            return StringUtils.hasText(secret) ? "(set)" : "(none)";
        }
    }
}
