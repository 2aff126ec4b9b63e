package io.maskgate.protocol;

/**
 * A fire-alarm panel gateway's signed input (life safety, NFPA 101 / UL 294 convention): while {@code active}, the
 * entry-side locks of the doors configured for fire release are released; {@code active=false} clears the alarm.
 * Published on {@link Topics#fireAlarm(String)} with QoS 1, signed with the panel's own key (never a unit's or a
 * door's). {@code seq} increases with every message of the panel, so an old message cannot be replayed.
 *
 * @param v       schema version
 * @param panelId the fire-alarm panel; must equal the panel id in the topic
 * @param seq     strictly increasing per panel (>= 1)
 * @param active  true: alarm; false: cleared
 * @param at      epoch ms when the panel reported it
 * @param sig     lowercase hex HMAC-SHA256 of {@link #canonical()} with the panel key
 */
public record FireAlarm(int v, String panelId, long seq, boolean active, long at, String sig)
        implements SignedMessage<FireAlarm> {

    public static final String TYPE = "fire-alarm";

    public FireAlarm {
        Checks.version(v);
        Ids.require("panelId", panelId);
        Checks.range("seq", seq, 1, Long.MAX_VALUE);
        Checks.range("at", at, 0, Long.MAX_VALUE);
        Checks.sig(sig);
    }

    public static FireAlarm unsigned(String panelId, long seq, boolean active, long at) {
        return new FireAlarm(Limits.SCHEMA_VERSION, panelId, seq, active, at, null);
    }

    @Override
    public String canonical() {
        return Canonical.of(TYPE, v, panelId, seq, active, at);
    }

    @Override
    public FireAlarm withSig(String newSig) {
        return new FireAlarm(v, panelId, seq, active, at, newSig);
    }
}
