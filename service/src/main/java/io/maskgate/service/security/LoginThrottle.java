package io.maskgate.service.security;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed-login throttling for HTTP Basic: after {@code maxFailures} wrong passwords for one user from one address
 * within {@code window}, that pair is refused (HTTP 429, the password not even checked) until the window since
 * the last failure has passed. Keyed by user and address so an attacker cannot lock a real user out from
 * elsewhere; bounded in size (oldest entries dropped) so random user names cannot grow it without limit.
 */
public final class LoginThrottle {

    private record Failures(int count, long lastMillis) {
    }

    private final int maxFailures;
    private final long windowMillis;
    private final int maxEntries;
    private final Clock clock;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    public LoginThrottle(int maxFailures, Duration window, int maxEntries, Clock clock) {
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** Seconds until this user may try again from this address, 0 when allowed. */
    public long retryAfterSeconds(String user, String address) {
        Failures f = failures.get(key(user, address));
        if (f == null || f.count() < maxFailures) {
            return 0;
        }
        long left = f.lastMillis() + windowMillis - clock.millis();
        if (left <= 0) {
            failures.remove(key(user, address));
            return 0;
        }
        return Math.max(1, (left + 999) / 1000);
    }

    public void failed(String user, String address) {
        long now = clock.millis();
        if (failures.size() >= maxEntries) {
            prune(now);
        }
        failures.merge(key(user, address), new Failures(1, now), (old, one) ->
                now - old.lastMillis() > windowMillis ? one : new Failures(old.count() + 1, now));
    }

    public void succeeded(String user, String address) {
        failures.remove(key(user, address));
    }

    /** How many (user, address) pairs are tracked. */
    public int size() {
        return failures.size();
    }

    private void prune(long now) {
        failures.values().removeIf(f -> now - f.lastMillis() > windowMillis);
        Iterator<String> it = failures.keySet().iterator();
        while (failures.size() >= maxEntries && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private static String key(String user, String address) {
        return address + "\n" + user;
    }
}
