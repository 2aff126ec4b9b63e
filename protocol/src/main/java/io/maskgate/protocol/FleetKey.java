package io.maskgate.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The fleet's Ed25519 manifest key (JDK 17's own Ed25519, no extra library). Units hold only the 32-byte public
 * key; the service holds the 32-byte private seed (configuration or a file; the demo generates one under var/).
 * Both travel as unpadded base64url, like the HMAC keys. {@link #toString()} never shows the seed.
 */
public final class FleetKey {

    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final byte[] publicRaw;

    private FleetKey(PrivateKey privateKey, PublicKey publicKey, byte[] publicRaw) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.publicRaw = publicRaw;
    }

    /** A new random fleet key. */
    public static FleetKey generate() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return fromSeed(seed);
    }

    /** The key pair of a 32-byte private seed (RFC 8032), deterministic. */
    public static FleetKey fromSeed(byte[] seed) {
        if (seed == null || seed.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
        }
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
            gen.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
            KeyPair pair = gen.generateKeyPair();
            PrivateKey priv = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(concat(PKCS8_PREFIX, seed)));
            byte[] encoded = pair.getPublic().getEncoded();
            byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
            return new FleetKey(priv, pair.getPublic(), raw);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JVM", e);
        }
    }

    /** Parses the base64url private seed (the service's configuration). */
    public static FleetKey parseSeed(String base64Url) {
        return fromSeed(decode(base64Url));
    }

    /** A verify-only key from the base64url 32-byte public key (what a unit is provisioned with). */
    public static FleetKey parsePublic(String base64Url) {
        return ofPublic(decode(base64Url));
    }

    public static FleetKey ofPublic(byte[] raw) {
        if (raw == null || raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        try {
            PublicKey pub = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, raw)));
            return new FleetKey(null, pub, raw.clone());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage());
        }
    }

    public boolean canSign() {
        return privateKey != null;
    }

    /** The public half only. */
    public FleetKey publicOnly() {
        return ofPublic(publicRaw);
    }

    public String publicBase64Url() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(publicRaw);
    }

    /** The private seed as base64url (to write the demo's key file); throws for a verify-only key. */
    public String seedBase64Url() {
        if (privateKey == null) {
            throw new IllegalStateException("verify-only key");
        }
        byte[] encoded = privateKey.getEncoded();
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
    }

    /** The manifest with its Ed25519 signature set. */
    public ModelManifest sign(ModelManifest manifest) {
        if (privateKey == null) {
            throw new IllegalStateException("verify-only key cannot sign");
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(manifest.canonical().getBytes(StandardCharsets.UTF_8));
            return manifest.withSig(HexFormat.of().formatHex(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the manifest's signature is a valid Ed25519 signature of its canonical form under this key. */
    public boolean verify(ModelManifest manifest) {
        if (manifest.sig() == null) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(publicKey);
            s.update(manifest.canonical().getBytes(StandardCharsets.UTF_8));
            return s.verify(HexFormat.of().parseHex(manifest.sig()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] decode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no key given");
        }
        String t = text.strip();
        while (t.endsWith("=")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Base64.getUrlDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key is not base64url");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public String toString() {
        return "FleetKey[public " + publicBase64Url() + (privateKey == null ? ", verify-only]" : ", can sign]");
    }

    /** Hands the seed to the JDK's generator, which takes exactly 32 random bytes as the private key. */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }
}
