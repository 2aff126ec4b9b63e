package io.maskgate.protocol;

/**
 * What a verifier needs to know about a unit or door: its key and whether it may currently send.
 *
 * @param key     the HMAC key
 * @param enabled false refuses the unit with UNIT_DISABLED (keys are kept so re-enabling needs no re-keying)
 */
public record Credentials(HmacKey key, boolean enabled) {

    public Credentials {
        Checks.notNull("key", key);
    }

    public static Credentials enabled(HmacKey key) {
        return new Credentials(key, true);
    }
}
