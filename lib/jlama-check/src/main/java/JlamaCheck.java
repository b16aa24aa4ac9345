import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
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
 */
public class JlamaCheck {

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: JlamaCheck FOLDER GREEDY_STEPS OUT.json IDS [IDS ...]   (IDS: comma-separated token ids)");
            System.exit(2);
        }
        File folder = new File(args[0]);
        int greedySteps = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        // Float32 weights and float32 working memory: no quantization anywhere.
        AbstractModel model = ModelSupport.loadModel(folder, DType.F32, DType.F32);
        int context = model.getConfig().contextLength;
        StringBuilder json = new StringBuilder();
        json.append("{\"engine\":\"jlama-core ").append(AbstractModel.class.getPackage().getImplementationVersion())
            .append("\",\"vocab\":").append(model.getConfig().vocabularySize).append(",\"prompts\":[");
        try (KvBufferCache caches = new KvBufferCache(model)) {
            for (int p = 3; p < args.length; p++) {
                int[] ids = parse(args[p]);
                if (ids.length + greedySteps > context) throw new IllegalArgumentException("prompt " + args[p] + " plus " + greedySteps + " steps exceed the context of " + context);
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
        System.exit(0);   // Jlama's worker threads would keep the JVM alive
    }

    /** Token {@code id} at {@code position}: its key and value join the cache, and the next-token distribution comes back. */
    private static float[] step(AbstractModel model, int id, int position, KvBufferCache.KvBuffer kv) {
        try (AbstractTensor hidden = model.forward(id, position, kv, Optional.empty())) {
            return model.getLogits(hidden).clone();
        }
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
