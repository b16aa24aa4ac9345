import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import com.github.tjake.jlama.tensor.operations.TensorOperationsProvider;
import com.github.tjake.jlama.util.PhysicalCoreExecutor;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Jlama's view of a Hugging Face GPT-2 folder: for each prompt (token ids), the next-token
 * probabilities after every position, and the greedy continuation. Written as JSON for
 * fasttrack.hub.JlamaReference, which compares them with the course model's.
 *
 * <p>Runs on Java 21+ only (Jlama's class files are Java 20 and use the incubating Vector API), from
 * source, with lib/jlama-check/target/lib/* on the class path:
 * <pre>
 *   java --enable-preview --source 25 --add-modules jdk.incubator.vector -cp 'lib/jlama-check/target/lib/*' \
 *       lib/jlama-check/src/main/java/JlamaCheck.java FOLDER GREEDY_STEPS OUT.json 1,2,3 4,5 ...
 * </pre>
 * It feeds tokens one at a time through {@code forward(token, position, kvBuffer)} and reads
 * {@code getLogits}, which is already a softmax: Jlama's {@code generate} adds its own prompt handling,
 * so the comparison goes through the plain forward pass.
 *
 * <p>With {@code --time} first it measures instead how fast Jlama decodes greedily at batch 1:
 * <pre>
 *   ... JlamaCheck.java --time FOLDER TOKENS WARMUPS ROUNDS OUT.json IDS
 * </pre>
 * Each round starts from an empty KV cache, feeds the prompt IDS a token at a time, then picks
 * TOKENS tokens with Jlama's own greedy path ({@code sample} at temperature 0: the output layer and an
 * argmax, no softmax), each fed back. WARMUPS untimed rounds first (the JIT compiles Jlama's kernels
 * while they run), then ROUNDS timed ones; the JSON holds each round's seconds (wall clock) and CPU
 * seconds (all of the process's threads), the best rate (TOKENS / the fastest round), the tokens
 * chosen, and the threads and tensor operations Jlama used.
 */
public class JlamaCheck {

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--time")) {
            time(args);
            return;
        }
        if (args.length < 4) {
            System.err.println(
                    "usage: JlamaCheck FOLDER GREEDY_STEPS OUT.json IDS [IDS ...]   (IDS: comma-separated token ids)");
            System.exit(2);
        }
        File folder = new File(args[0]);
        int greedySteps = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        // Float32 weights and float32 working memory: no quantization anywhere.
        AbstractModel model = ModelSupport.loadModel(folder, DType.F32, DType.F32);
        int context = model.getConfig().contextLength;
        StringBuilder json = new StringBuilder();
        json.append("{\"engine\":\"")
                .append(engine())
                .append("\",\"vocab\":")
                .append(model.getConfig().vocabularySize)
                .append(",\"prompts\":[");
        try (KvBufferCache caches = new KvBufferCache(model)) {
            for (int p = 3; p < args.length; p++) {
                int[] ids = parse(args[p]);
                if (ids.length + greedySteps > context)
                    throw new IllegalArgumentException(
                            "prompt " + args[p] + " plus " + greedySteps + " steps exceed the context of " + context);
                List<float[]> probabilities = new ArrayList<>();
                List<Integer> greedy = new ArrayList<>();
                try (KvBufferCache.KvBuffer kv = caches.getKvBuffer(UUID.randomUUID())) {
                    float[] last = null;
                    for (int pos = 0; pos < ids.length; pos++) {
                        last = step(model, ids[pos], pos, kv);
                        probabilities.add(last);
                    }
                    for (int s = 0; s < greedySteps; s++) {
                        int next = argmax(last);
                        greedy.add(next);
                        if (s + 1 < greedySteps) last = step(model, next, ids.length + s, kv);
                    }
                }
                if (p > 3) json.append(',');
                json.append("{\"ids\":").append(list(ids)).append(",\"probabilities\":[");
                for (int i = 0; i < probabilities.size(); i++) {
                    if (i > 0) json.append(',');
                    json.append(list(probabilities.get(i)));
                }
                json.append("],\"greedy\":").append(greedy).append('}');
            }
        }
        json.append("]}\n");
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.exit(0); // Jlama's worker threads would keep the JVM alive
    }

    /** {@code --time FOLDER TOKENS WARMUPS ROUNDS OUT.json IDS}: greedy decoding speed, best of ROUNDS after WARMUPS untimed rounds. */
    private static void time(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println(
                    "usage: JlamaCheck --time FOLDER TOKENS WARMUPS ROUNDS OUT.json IDS   (IDS: comma-separated token ids)");
            System.exit(2);
        }
        File folder = new File(args[1]);
        int tokens = Integer.parseInt(args[2]), warmups = Integer.parseInt(args[3]), rounds = Integer.parseInt(args[4]);
        Path out = Path.of(args[5]);
        int[] prompt = parse(args[6]);
        AbstractModel model = ModelSupport.loadModel(folder, DType.F32, DType.F32);
        int context = model.getConfig().contextLength;
        if (tokens < 1 || rounds < 1 || warmups < 0)
            throw new IllegalArgumentException("TOKENS and ROUNDS must be >= 1, WARMUPS >= 0");
        if (prompt.length + tokens - 1 > context) {
            throw new IllegalArgumentException("a prompt of " + prompt.length + " tokens plus " + tokens
                    + " new ones exceed the context of " + context);
        }
        List<Double> seconds = new ArrayList<>(), cpuSeconds = new ArrayList<>();
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        int[] greedy = null;
        try (KvBufferCache caches = new KvBufferCache(model);
                AbstractTensor logits = model.makeDenseTensor(model.getConfig().vocabularySize)) {
            for (int round = 0; round < warmups + rounds; round++) {
                int[] chosen = new int[tokens];
                long cpuStart = os.getProcessCpuTime(), start = System.nanoTime();
                try (KvBufferCache.KvBuffer kv = caches.getKvBuffer(UUID.randomUUID())) {
                    AbstractTensor hidden = null;
                    for (int pos = 0; pos < prompt.length; pos++) {
                        if (hidden != null) hidden.close();
                        hidden = model.forward(prompt[pos], pos, kv, Optional.empty());
                    }
                    for (int s = 0; s < tokens; s++) {
                        chosen[s] = model.sample(hidden, 0f, 0f, logits); // temperature 0: the argmax of the logits
                        hidden.close();
                        hidden = s + 1 < tokens
                                ? model.forward(chosen[s], prompt.length + s, kv, Optional.empty())
                                : null;
                    }
                }
                double elapsed = (System.nanoTime() - start) / 1e9, cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
                if (round >= warmups) {
                    seconds.add(elapsed);
                    cpuSeconds.add(cpu);
                }
                if (greedy == null) greedy = chosen;
                else if (!java.util.Arrays.equals(greedy, chosen))
                    throw new IllegalStateException("round " + round + " chose other tokens than round 0");
            }
        }
        double best = seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        String json = "{\"engine\":\"" + engine() + "\""
                + ",\"threads\":" + PhysicalCoreExecutor.instance.get().getCoreCount()
                + ",\"operations\":\"" + TensorOperationsProvider.get().name() + "\""
                + ",\"tokens\":" + tokens + ",\"warmups\":" + warmups
                + ",\"seconds\":" + seconds + ",\"cpuSeconds\":" + cpuSeconds + ",\"tokensPerSecond\":"
                + (tokens / best)
                + ",\"greedy\":" + list(greedy) + "}\n";
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.exit(0);
    }

    /** Token {@code id} at {@code position}: its key and value join the cache, and the next-token distribution comes back. */
    private static float[] step(AbstractModel model, int id, int position, KvBufferCache.KvBuffer kv) {
        try (AbstractTensor hidden = model.forward(id, position, kv, Optional.empty())) {
            return model.getLogits(hidden).clone();
        }
    }

    /** "jlama-core 0.8.4": the version from the jar Jlama was loaded from (its manifest does not say). */
    private static String engine() {
        String jar = AbstractModel.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath();
        java.util.regex.Matcher version =
                java.util.regex.Pattern.compile("jlama-core-([^/]+)\\.jar$").matcher(jar);
        return "jlama-core " + (version.find() ? version.group(1) : "(version unknown)");
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private static int[] parse(String ids) {
        String[] parts = ids.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = Integer.parseInt(parts[i].trim());
        return out;
    }

    private static String list(int[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) s.append(i > 0 ? "," : "").append(values[i]);
        return s.append(']').toString();
    }

    private static String list(float[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) s.append(i > 0 ? "," : "").append(values[i]);
        return s.append(']').toString();
    }
}
