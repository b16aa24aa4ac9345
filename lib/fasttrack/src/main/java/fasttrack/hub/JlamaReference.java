package fasttrack.hub;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fasttrack.nn.FeedForward;
import fasttrack.nn.GptConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Jlama, a Java LLM inference engine no one here wrote, as the outside reference for an exported
 * GPT-2 folder. Jlama needs Java 21+ (and the incubating Vector API) while the course runs on Java 17,
 * so it runs in its own process: {@code lib/jlama-check/src/main/java/JlamaCheck.java}, launched from
 * source by a Java 21+ runtime with the jars Maven gathered in {@code lib/jlama-check/target/lib}.
 *
 * <p>Jlama 0.8.4's GPT-2 always ties the output head to the token embedding and applies the tanh
 * GELU, and its vector kernels need each head's dimension to be a multiple of 16: {@link #run} refuses
 * folders it would compute differently, so a difference always means a real one.
 *
 * <p>Where things are found: the jlama-check folder from the system property
 * {@code fasttrack.jlama.dir}, else {@code $FASTTRACK_HOME/lib/jlama-check}, else the nearest
 * {@code lib/jlama-check} above the working directory; the Java from {@code FASTTRACK_JAVA21_HOME},
 * then {@code JAVA_HOME}, this JVM, and every {@code /usr/lib/jvm/*}: the newest of version 21 or more.
 */
public final class JlamaReference {

    /** Jlama's answer for one prompt: the next-token distribution after each position, and the greedy continuation. */
    public record Prompt(int[] ids, float[][] probabilities, int[] greedy) {}

    /** What the JSON holds. */
    private record Output(String engine, int vocab, List<Prompt> prompts) {}

    private final Path java;
    private final int javaVersion;
    private final Path checkDir;

    private JlamaReference(Path java, int javaVersion, Path checkDir) {
        this.java = java;
        this.javaVersion = javaVersion;
        this.checkDir = checkDir;
    }

    /**
     * The reference, when a Java 21+ runtime exists; empty otherwise (the only reason to skip the
     * check).
     *
     * @throws IllegalStateException when Java 21+ exists but Jlama's jars or the check program are missing
     */
    public static Optional<JlamaReference> find() {
        Optional<Java> java = newestJava(21);
        if (java.isEmpty()) return Optional.empty();
        Path dir = checkDir();
        Path lib = dir.resolve("target/lib");
        if (!Files.isRegularFile(dir.resolve("src/main/java/JlamaCheck.java")) || !hasJlamaJar(lib)) {
            throw new IllegalStateException("Jlama's jars are not in " + lib.toAbsolutePath()
                    + ": build them with 'mvn -B -pl lib/jlama-check generate-resources'"
                    + " (needs Maven Central once; offline afterwards)");
        }
        return Optional.of(
                new JlamaReference(java.get().executable(), java.get().version(), dir));
    }

    /** The Java that runs Jlama. */
    public Path java() {
        return java;
    }

    public int javaVersion() {
        return javaVersion;
    }

    /**
     * Jlama's next-token distributions at every position of each prompt, and {@code greedySteps}
     * greedy tokens after each, for the GPT-2 folder {@code folder}.
     *
     * @throws IllegalStateException with Jlama's output, when it fails
     */
    public List<Prompt> run(Path folder, List<int[]> prompts, int greedySteps)
            throws IOException, InterruptedException {
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        String type = modelType(folder);
        if (type.equals("gpt2")) requireComparable(Gpt2Folder.readConfig(folder), folder);
        else if (type.equals("llama") || type.equals("mixtral")) requireComparableLlama(folder, longest + greedySteps);
        else
            throw new IllegalArgumentException(
                    folder + " holds a " + type + " model: this check compares gpt2, llama and mixtral folders");
        List<String> arguments =
                new ArrayList<>(List.of(folder.toAbsolutePath().toString(), Integer.toString(greedySteps)));
        List<String> ids = prompts.stream().map(JlamaReference::ids).toList();
        return launch(folder, arguments, ids, Output.class).prompts();
    }

    /**
     * How fast Jlama decodes greedily at batch 1, measured inside its own process: each round starts
     * from an empty KV cache, feeds {@code prompt} a token at a time, then picks {@code tokens} tokens
     * with Jlama's own greedy path (the output layer and an argmax), each fed back. {@code warmups}
     * untimed rounds first (while the JIT compiles Jlama's kernels), then the best of {@code rounds}.
     *
     * @throws IllegalStateException with Jlama's output, when it fails
     */
    public Speed time(Path folder, int[] prompt, int tokens, int warmups, int rounds)
            throws IOException, InterruptedException {
        requireComparable(Gpt2Folder.readConfig(folder), folder);
        if (tokens < 1 || rounds < 1 || warmups < 0) {
            throw new IllegalArgumentException(
                    "tokens and rounds must be >= 1 and warmups >= 0, got " + tokens + ", " + rounds + ", " + warmups);
        }
        List<String> arguments = new ArrayList<>(List.of(
                "--time",
                folder.toAbsolutePath().toString(),
                Integer.toString(tokens),
                Integer.toString(warmups),
                Integer.toString(rounds)));
        return launch(folder, arguments, List.of(ids(prompt)), Speed.class);
    }

    /**
     * Jlama's greedy decoding speed, from {@link #time}.
     *
     * @param threads         the threads Jlama's matrix products ran on (its choice: half the processors, at least 2)
     * @param operations      the tensor operations Jlama picked (its Vector API kernels, or native ones)
     * @param seconds         each timed round, wall clock
     * @param cpuSeconds      each timed round's CPU time, summed over all of Jlama's threads (what the work cost,
     *                        whatever else the machine was running)
     * @param tokensPerSecond tokens / the fastest round
     * @param greedy          the tokens chosen (the same in every round)
     */
    public record Speed(
            String engine,
            int threads,
            String operations,
            int tokens,
            int warmups,
            List<Double> seconds,
            List<Double> cpuSeconds,
            double tokensPerSecond,
            int[] greedy) {

        /** CPU milliseconds per token in the cheapest round. */
        public double cpuMillisPerToken() {
            return cpuSeconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN) * 1000 / tokens;
        }
    }

    /** Runs JlamaCheck with {@code arguments}, the output file, then {@code prompts}; reads its JSON as {@code type}. */
    private <T> T launch(Path folder, List<String> arguments, List<String> prompts, Class<T> type)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("jlama-", ".json");
        try {
            List<String> command = new ArrayList<>(List.of(
                    java.toString(),
                    "--enable-preview",
                    "--source",
                    Integer.toString(javaVersion),
                    "--add-modules",
                    "jdk.incubator.vector",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-Xss4m",
                    "-cp",
                    checkDir.resolve("target/lib").toAbsolutePath() + "/*",
                    checkDir.resolve("src/main/java/JlamaCheck.java")
                            .toAbsolutePath()
                            .toString()));
            command.addAll(arguments);
            command.add(out.toString());
            command.addAll(prompts);
            Path log = Files.createTempFile("jlama-", ".log");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                if (!process.waitFor(10, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("Jlama took over 10 minutes on " + folder);
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("Jlama failed (exit " + process.exitValue() + ") on " + folder
                            + ":\n" + tail(Files.readString(log), 4000));
                }
            } finally {
                Files.deleteIfExists(log);
            }
            return new Gson().fromJson(Files.readString(out, StandardCharsets.UTF_8), type);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static String ids(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /**
     * What Jlama 0.8.4's GPT-2 computes, so that a difference means a bug and not a different model:
     * it always ties the output head to {@code wte}, always applies the tanh GELU, and its vector
     * kernels read whole SIMD registers (16 floats with AVX-512) of each head's vector.
     */
    static void requireComparable(GptConfig config, Path folder) {
        if (!config.tieWeights()) {
            throw new IllegalArgumentException(
                    folder
                            + " holds an untied model: Jlama's GPT-2 always uses wte as the output head, so it would compute another model");
        }
        if (config.activation() != FeedForward.Activation.GELU_TANH) {
            throw new IllegalArgumentException(
                    folder
                            + " uses the exact GELU: Jlama's GPT-2 always applies the tanh form (gelu_new), so it would compute another model");
        }
        int headDim = config.embedDim() / config.heads();
        if (headDim % 16 != 0) {
            throw new IllegalArgumentException(folder + " has heads of " + headDim
                    + " dimensions (n_embd / n_head): Jlama's vector kernels need a multiple of 16"
                    + " (e.g. n_embd 64 with 4 heads)");
        }
    }

    /** The folder's config.json model_type. */
    static String modelType(Path folder) throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(folder.resolve("config.json")))
                .getAsJsonObject();
        if (!json.has("model_type"))
            throw new IllegalArgumentException(folder.resolve("config.json") + " has no model_type");
        return json.get("model_type").getAsString();
    }

    /**
     * What Jlama 0.8.4 computes for a Llama or Mixtral folder, so that a difference means a real one:
     * its vector kernels read whole SIMD registers of each head (a head size that is a multiple of 16),
     * and its RoPE table is read at index (position + 2·head)·d/2 + i for head h (query head h's group,
     * key head h): the offset cancels between queries and keys, so the scores are right, but the
     * table, of max_position_embeddings rows, must reach position + 2·(heads − 1). Prompts plus
     * continuations that would run past it are refused here rather than failing inside Jlama.
     */
    static void requireComparableLlama(Path folder, int tokens) throws IOException {
        JsonObject json = JsonParser.parseString(Files.readString(folder.resolve("config.json")))
                .getAsJsonObject();
        int embed = json.get("hidden_size").getAsInt(),
                heads = json.get("num_attention_heads").getAsInt();
        int kv = json.has("num_key_value_heads")
                ? json.get("num_key_value_heads").getAsInt()
                : heads;
        int context = json.get("max_position_embeddings").getAsInt(), headDim = embed / heads;
        if (headDim % 16 != 0) {
            throw new IllegalArgumentException(folder + " has heads of " + headDim
                    + " dimensions (hidden_size / num_attention_heads): Jlama's vector kernels need a multiple of 16");
        }
        if (json.has("rope_scaling") && !json.get("rope_scaling").isJsonNull()) {
            throw new IllegalArgumentException(folder
                    + " has rope_scaling: Jlama 0.8.4 reads only linear scaling, the course none; export without it");
        }
        int shift = 2 * ((kv < heads ? kv : heads) - 1);
        if (tokens + shift > context) {
            throw new IllegalArgumentException(tokens
                    + " prompt and continuation tokens need Jlama 0.8.4's RoPE table to reach position "
                    + (tokens - 1 + shift) + " (it reads head h at position + 2h), beyond max_position_embeddings "
                    + context + ": keep prompt plus continuation within " + (context - shift) + " tokens");
        }
        for (String key : List.of("bos_token_id", "eos_token_id")) {
            if (!json.has(key) || !json.get(key).isJsonPrimitive()) {
                throw new IllegalArgumentException(folder + " has no numeric " + key
                        + ": Jlama 0.8.4's LlamaConfig needs one (a null fails inside Jlama)");
            }
        }
    }

    @Override
    public String toString() {
        return "Jlama on Java " + javaVersion + " (" + java + ")";
    }

    // ---- finding things ----

    private record Java(Path executable, int version) {}

    /** The newest Java of at least {@code minimum} among the candidates, by the release file beside its bin/. */
    static Optional<Java> newestJava(int minimum) {
        List<Path> homes = new ArrayList<>();
        for (String variable : List.of("FASTTRACK_JAVA21_HOME", "JAVA_HOME")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) homes.add(Path.of(value));
        }
        homes.add(Path.of(System.getProperty("java.home")));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(jvms)) {
                for (Path d : dirs) homes.add(d);
            } catch (IOException ignored) {
                // an unreadable folder has no Java to offer
            }
        }
        return homes.stream()
                .map(JlamaReference::java)
                .flatMap(Optional::stream)
                .filter(j -> j.version() >= minimum)
                .max(Comparator.comparingInt(Java::version));
    }

    private static Optional<Java> java(Path home) {
        Path executable = home.resolve("bin/java"), release = home.resolve("release");
        if (!Files.isExecutable(executable) || !Files.isRegularFile(release)) return Optional.empty();
        try (var in = Files.newInputStream(release)) {
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("JAVA_VERSION", "").replace("\"", "");
            String feature = version.startsWith("1.") ? version.substring(2) : version;
            int end = 0;
            while (end < feature.length() && Character.isDigit(feature.charAt(end))) end++;
            return end == 0
                    ? Optional.empty()
                    : Optional.of(new Java(executable, Integer.parseInt(feature.substring(0, end))));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Path checkDir() {
        String property = System.getProperty("fasttrack.jlama.dir");
        if (property != null && !property.isBlank()) return Path.of(property);
        String home = System.getenv("FASTTRACK_HOME");
        if (home != null && !home.isBlank()) return Path.of(home, "lib", "jlama-check");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("lib/jlama-check"))) return dir.resolve("lib/jlama-check");
        }
        throw new IllegalStateException(
                "cannot find lib/jlama-check: set FASTTRACK_HOME to the repository (or the system property fasttrack.jlama.dir)");
    }

    private static boolean hasJlamaJar(Path lib) {
        if (!Files.isDirectory(lib)) return false;
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(lib, "jlama-core-*.jar")) {
            return jars.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(String text, int characters) {
        return text.length() <= characters ? text : "…" + text.substring(text.length() - characters);
    }
}
