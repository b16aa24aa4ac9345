package fasttrack.text;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import fasttrack.runtime.Course;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * OpenAI's tokenizers computed by someone else: the npm package js-tiktoken (the version
 * lib/tiktoken/package-lock.json pins, installed by setup into lib/tiktoken/node_modules) run under node
 * by lib/tiktoken/reference.mjs, one process per call. The outside reference {@link RankedBpe} is
 * checked against, and the other side of the tokenizer benchmark. Needs node (18 or newer) on the PATH,
 * or {@code FASTTRACK_NODE} naming it; {@link #unavailable()} says what is missing.
 */
public final class JsTiktoken {

    /** The js-tiktoken version package.json pins (the tests check the two agree). */
    public static final String VERSION = "1.0.21";

    private JsTiktoken() {}

    /** lib/tiktoken: package.json, package-lock.json, reference.mjs, and node_modules once setup has run npm. */
    public static Path folder() {
        return Course.home().resolve("lib").resolve("tiktoken");
    }

    /**
     * An encoding's rank file in the installed package ({@code dist/ranks/NAME.js}).
     *
     * @throws IllegalArgumentException for a name js-tiktoken does not ship
     * @throws IllegalStateException    when the package is not installed, saying how to install it
     */
    public static Path rankFile(String encoding) {
        if (!RankedBpe.OPENAI_ENCODINGS.contains(encoding)) {
            throw new IllegalArgumentException(
                    "unknown encoding '" + encoding + "': js-tiktoken ships " + RankedBpe.OPENAI_ENCODINGS);
        }
        Path file = folder().resolve("node_modules/js-tiktoken/dist/ranks/" + encoding + ".js");
        if (!Files.isRegularFile(file)) throw new IllegalStateException(notInstalled());
        return file;
    }

    /** Why js-tiktoken cannot run here (no node, or the package not installed), or empty when it can. */
    public static Optional<String> unavailable() {
        if (node().isEmpty()) {
            return Optional.of("node is not on the PATH (nor named by FASTTRACK_NODE): install Node.js 18 or newer"
                    + " (Debian: apt-get install --no-install-recommends nodejs npm), then run setup again");
        }
        if (!Files.isRegularFile(folder().resolve("node_modules/js-tiktoken/package.json")))
            return Optional.of(notInstalled());
        return Optional.empty();
    }

    private static String notInstalled() {
        return "the npm package js-tiktoken " + VERSION + " is not installed in " + folder().resolve("node_modules")
                + ": setup installs it when node and npm are there (lib/bin/notebook or lib/bin/test), or run"
                + " 'npm ci --ignore-scripts --no-audit --no-fund' in " + folder();
    }

    /** The ids js-tiktoken gives each text, special tokens' text encoded as ordinary text. */
    public static List<int[]> encode(String encoding, List<String> texts) {
        return run(encoding, texts, false, 0).ids();
    }

    /** The ids js-tiktoken gives each text, every special token's text turned into its id ({@code allowedSpecial: "all"}). */
    public static List<int[]> encodeAllowingSpecial(String encoding, List<String> texts) {
        return run(encoding, texts, true, 0).ids();
    }

    /** js-tiktoken's ids for some texts, and how long encoding all of them took, in milliseconds, in each timed round. */
    public record Timed(List<int[]> ids, double[] millis) {
        public double best() {
            return Arrays.stream(millis).min().orElseThrow();
        }
    }

    /**
     * Encodes {@code texts} once untimed (the JIT warms up), then {@code rounds} times timed inside node
     * (process start and the loading of the ranks are not timed).
     */
    public static Timed time(String encoding, List<String> texts, int rounds) {
        if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        return run(encoding, texts, false, rounds);
    }

    private static Timed run(String encoding, List<String> texts, boolean allowSpecial, int rounds) {
        rankFile(encoding); // a clear error for an unknown name or a missing package
        Path node =
                node().orElseThrow(() -> new IllegalStateException(unavailable().orElse("node not found")));
        List<String> command = new ArrayList<>(List.of(node.toString(), "reference.mjs", encoding));
        if (allowSpecial) command.addAll(List.of("--allowed-special", "all"));
        if (rounds > 0) command.addAll(List.of("--time", Integer.toString(rounds)));
        Path errors = null;
        try {
            errors = Files.createTempFile("js-tiktoken-", ".err");
            Process process = new ProcessBuilder(command)
                    .directory(folder().toFile())
                    .redirectError(errors.toFile())
                    .start();
            try {
                try (Writer in = new BufferedWriter(
                        new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII), 1 << 16)) {
                    writeJson(texts, in);
                } catch (IOException brokenPipe) {
                    // node stopped reading: its exit status and stderr say why, below
                }
                Timed result;
                try (JsonReader out =
                        new JsonReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    result = readResult(out);
                } catch (IOException | IllegalStateException e) {
                    result = null;
                }
                int status = process.waitFor();
                if (status != 0 || result == null || result.ids().size() != texts.size()) {
                    throw new IllegalStateException(
                            "js-tiktoken (" + String.join(" ", command) + ", in " + folder() + ") failed with status "
                                    + status + ": " + Files.readString(errors).strip());
                }
                return result;
            } finally {
                process.destroy();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run js-tiktoken under " + node + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while js-tiktoken ran", e);
        } finally {
            if (errors != null) errors.toFile().delete();
        }
    }

    /**
     * The texts as a JSON array in ASCII: every other character as a \\u escape, so a lone surrogate
     * (which UTF-8 cannot carry) reaches JavaScript as the same UTF-16 code unit.
     */
    static void writeJson(List<String> texts, Writer out) throws IOException {
        out.write('[');
        for (int t = 0; t < texts.size(); t++) {
            if (t > 0) out.write(',');
            out.write('"');
            String s = texts.get(t);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    out.write('\\');
                    out.write(c);
                } else if (c >= 0x20 && c < 0x7F) {
                    out.write(c);
                } else {
                    out.write(String.format("\\u%04x", (int) c));
                }
            }
            out.write('"');
        }
        out.write(']');
    }

    private static Timed readResult(JsonReader in) throws IOException {
        List<int[]> ids = null;
        double[] millis = new double[0];
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "ids" -> {
                    ids = new ArrayList<>();
                    in.beginArray();
                    while (in.hasNext()) {
                        int[] buffer = new int[1024];
                        int n = 0;
                        in.beginArray();
                        while (in.hasNext()) {
                            if (n == buffer.length) buffer = Arrays.copyOf(buffer, 2 * n);
                            buffer[n++] = in.nextInt();
                        }
                        in.endArray();
                        ids.add(Arrays.copyOf(buffer, n));
                    }
                    in.endArray();
                }
                case "ms" -> {
                    List<Double> values = new ArrayList<>();
                    in.beginArray();
                    while (in.hasNext()) values.add(in.nextDouble());
                    in.endArray();
                    millis = values.stream().mapToDouble(Double::doubleValue).toArray();
                }
                default -> in.skipValue();
            }
        }
        in.endObject();
        if (in.peek() != JsonToken.END_DOCUMENT) throw new IllegalStateException("more than one JSON value");
        return ids == null ? null : new Timed(ids, millis);
    }

    /** The node executable: FASTTRACK_NODE, else the first {@code node} on the PATH. */
    public static Optional<Path> node() {
        String explicit = System.getenv("FASTTRACK_NODE");
        if (explicit != null && !explicit.isBlank())
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, "node");
            if (Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }
}
