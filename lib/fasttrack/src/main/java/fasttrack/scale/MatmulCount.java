package fasttrack.scale;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the FLOPs of the matrix products the engine actually runs: {@code work} runs under
 * libtorch's profiler with shapes recorded, and every {@code aten::mm}, {@code bmm}, {@code addmm}
 * and {@code baddbmm} (the kernels that {@code matmul} and {@code linear} dispatch to, forward and
 * backward alike) contributes 2·m·k·n per product. No formula is involved: this is the check for
 * {@link TransformerFlops}.
 *
 * @param flops FLOPs of all matrix products
 * @param calls how many times each kernel ran
 */
public record MatmulCount(double flops, Map<String, Integer> calls) {

    public static MatmulCount of(Runnable work) {
        Path trace = null;
        try {
            trace = Files.createTempFile("fasttrack-matmuls-", ".json");
            JniUtils.startProfile(false, true, false);
            try {
                work.run();
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            return count(JsonParser.parseString(Files.readString(trace)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write or read the profiler's trace in the temp folder", e);
        } finally {
            if (trace != null) trace.toFile().delete();
        }
    }

    static MatmulCount count(JsonElement root) {
        JsonArray events = root.isJsonArray()
                ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        double flops = 0;
        Map<String, Integer> calls = new TreeMap<>();
        for (JsonElement element : events) {
            JsonObject e = element.getAsJsonObject();
            if (!e.has("name") || !e.has("shape")) continue;
            String name = e.get("name").getAsString();
            double f = switch (name) {
                case "aten::mm" -> product(e, 0, 1); // (m, k) @ (k, n)
                case "aten::bmm" -> product(e, 0, 1); // (b, m, k) @ (b, k, n)
                case "aten::addmm", "aten::baddbmm" -> product(e, 1, 2); // bias first
                default -> -1;
            };
            if (f < 0) continue;
            flops += f;
            calls.merge(name, 1, Integer::sum);
        }
        return new MatmulCount(flops, calls);
    }

    /** 2·(batch)·m·k·n for the operands at {@code left} and {@code right} of the event's shapes. */
    private static double product(JsonObject event, int left, int right) {
        JsonArray shapes = event.getAsJsonArray("shape");
        JsonArray a = shapes.get(left).getAsJsonArray(), b = shapes.get(right).getAsJsonArray();
        double size = 2;
        for (JsonElement d : a) size *= d.getAsLong(); // (batch ·) m · k
        return size * b.get(b.size() - 1).getAsLong(); // · n
    }
}
