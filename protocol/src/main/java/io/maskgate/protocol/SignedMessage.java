package io.maskgate.protocol;

/**
 * A message authenticated with HMAC-SHA256 over its {@link #canonical() canonical form}. The canonical form is
 * a newline-joined list of the fields (not the JSON), so MicroPython can produce it byte for byte.
 *
 * @param <T> the record type, so {@link #withSig(String)} returns the same type
 */
public interface SignedMessage<T extends SignedMessage<T>> {

    /** Canonical text that is signed: type name, version and every field but {@code sig}, joined by '\n'. */
    String canonical();

    /** Lowercase hex HMAC-SHA256 of {@link #canonical()}; null while unsigned. */
    String sig();

    /** A copy carrying the given signature. */
    T withSig(String sig);
}
