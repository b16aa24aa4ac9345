package fasttrack.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys that may call the API. There is no default key: a server without keys does not start.
 * Keys come from the environment ({@code FASTTRACK_API_KEYS}, comma-separated) or from a file
 * ({@code FASTTRACK_API_KEY_FILE}, one per line), never from the code. Logs and metrics name a key
 * by a short hash, so a log never leaks a key.
 */
public final class ApiKeys {

    public static final String KEYS_VARIABLE = "FASTTRACK_API_KEYS";
    public static final String FILE_VARIABLE = "FASTTRACK_API_KEY_FILE";
    static final int MIN_LENGTH = 16;

    private final List<byte[]> keys;

    private ApiKeys(List<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no API key configured: set " + KEYS_VARIABLE + "=KEY1,KEY2 or "
                    + FILE_VARIABLE + "=/path/to/keys (one per line); generate one with ApiKeys.random()");
        }
        List<byte[]> bytes = new ArrayList<>();
        for (String k : keys) {
            if (k.length() < MIN_LENGTH || !k.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new IllegalArgumentException(
                        "an API key must be at least " + MIN_LENGTH + " printable ASCII characters without spaces; key "
                                + (bytes.size() + 1) + " has " + k.length());
            }
            bytes.add(k.getBytes(StandardCharsets.US_ASCII));
        }
        this.keys = List.copyOf(bytes);
    }

    public static ApiKeys of(String... keys) {
        return new ApiKeys(List.of(keys));
    }

    /** A new random key: 32 hex characters from a secure random source. */
    public static String random() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The keys from {@code FASTTRACK_API_KEYS} or the file named by {@code FASTTRACK_API_KEY_FILE}. */
    public static ApiKeys fromEnvironment(Map<String, String> environment) throws IOException {
        String inline = environment.get(KEYS_VARIABLE);
        List<String> keys = new ArrayList<>();
        if (inline != null) for (String k : inline.split(",")) if (!k.isBlank()) keys.add(k.strip());
        String file = environment.get(FILE_VARIABLE);
        if (file != null) {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path))
                throw new IllegalArgumentException(FILE_VARIABLE + " names " + path + ", which is not a file");
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8))
                if (!line.isBlank() && !line.strip().startsWith("#")) keys.add(line.strip());
        }
        return new ApiKeys(keys);
    }

    /** The short name of the key that matches {@code presented} (compared in constant time), or empty. */
    public Optional<String> identify(String presented) {
        if (presented == null) return Optional.empty();
        byte[] p = presented.getBytes(StandardCharsets.US_ASCII);
        String found = null;
        for (byte[] k : keys) if (MessageDigest.isEqual(k, p) && found == null) found = fingerprint(k);
        return Optional.ofNullable(found);
    }

    public int size() {
        return keys.size();
    }

    private static String fingerprint(byte[] key) {
        try {
            return "key-"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return keys.size() + " API key" + (keys.size() == 1 ? "" : "s");
    }
}
