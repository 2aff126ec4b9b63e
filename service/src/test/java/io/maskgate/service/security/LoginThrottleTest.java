package io.maskgate.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @Test
    void blocksAfterMaxFailuresUntilTheWindowPasses() {
        LoginThrottle t = new LoginThrottle(3, Duration.ofMinutes(1), 100, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(t.retryAfterSeconds("alice", "10.0.0.1")).isZero();
            t.failed("alice", "10.0.0.1");
        }
        assertThat(t.retryAfterSeconds("alice", "10.0.0.1")).isEqualTo(60);
        assertThat(t.retryAfterSeconds("alice", "10.0.0.2")).as("another address is not locked out").isZero();
        assertThat(t.retryAfterSeconds("bob", "10.0.0.1")).as("another user is not locked out").isZero();
        now.addAndGet(61_000);
        assertThat(t.retryAfterSeconds("alice", "10.0.0.1")).isZero();
    }

    @Test
    void successClearsFailuresAndTheMapStaysBounded() {
        LoginThrottle t = new LoginThrottle(3, Duration.ofMinutes(1), 100, clock);
        t.failed("alice", "a");
        t.failed("alice", "a");
        t.succeeded("alice", "a");
        t.failed("alice", "a");
        assertThat(t.retryAfterSeconds("alice", "a")).isZero();
        for (int i = 0; i < 10_000; i++) {
            t.failed("user-" + i, "b");
        }
        assertThat(t.size()).isLessThanOrEqualTo(100);
    }
}
