package fasttrack.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the engine's time goes: runs some work under libtorch's profiler, writes its trace (open it
 * in chrome://tracing or ui.perfetto.dev) and summarises the top-level engine operations (ops not
 * nested in another op, autograd's backward functions included): how many per unit of work and how
 * much time each kind takes. The profiler adds a few microseconds per op, so its times run a little
 * above the unprofiled ones.
 */
final class EngineProfile {

    private record Op(String name, double start, double duration, long thread) {} // µs

    private EngineProfile() {}

    /** Profiles {@code work}, which does {@code units} units (steps, tokens); writes the trace to {@code trace}; returns the summary. */
    static String of(String title, int units, String unit, Path trace, Runnable work) throws IOException {
        JniUtils.startProfile(false, false, false);
        double wallMs;
        try {
            long start = System.nanoTime();
            work.run();
            wallMs = (System.nanoTime() - start) / 1e6;
        } finally {
            JniUtils.stopProfile(trace.toString()); // writes the trace: not part of the work's time
        }
        List<Op> top = topLevel(read(trace));
        Map<String, double[]> byName = new LinkedHashMap<>(); // name -> {count, total µs}
        double total = 0;
        for (Op op : top) {
            double[] entry = byName.computeIfAbsent(op.name(), k -> new double[2]);
            entry[0]++;
            entry[1] += op.duration();
            total += op.duration();
        }
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "%s: %.0f engine ops per %s, %.1f ms of op time per %s (wall %.1f ms per %s, profiled); trace %s%n",
                title,
                (double) top.size() / units,
                unit,
                total / 1e3 / units,
                unit,
                wallMs / units,
                unit,
                trace));
        byName.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[1]))
                .limit(12)
                .forEach(e -> out.append(String.format(
                        Locale.ROOT,
                        "    %-62s %6.1f per %s %8.2f ms per %s%n",
                        e.getKey().replace("autograd::engine::evaluate_function: ", "backward "),
                        e.getValue()[0] / units,
                        unit,
                        e.getValue()[1] / 1e3 / units,
                        unit)));
        return out.toString();
    }

    private static List<Op> read(Path trace) throws IOException {
        JsonElement root = JsonParser.parseString(Files.readString(trace));
        JsonArray events = root.isJsonArray()
                ? root.getAsJsonArray()
                : root.getAsJsonObject().getAsJsonArray("traceEvents");
        List<Op> ops = new ArrayList<>();
        for (JsonElement element : events) {
            JsonObject e = element.getAsJsonObject();
            if (!e.has("ph") || !"X".equals(e.get("ph").getAsString()) || !e.has("dur")) continue;
            ops.add(new Op(
                    e.get("name").getAsString(),
                    e.get("ts").getAsDouble(),
                    e.get("dur").getAsDouble(),
                    e.has("tid") ? e.get("tid").getAsLong() : 0));
        }
        return ops;
    }

    /** The ops not inside another op on the same thread: what the caller (or autograd) asked for. */
    private static List<Op> topLevel(List<Op> ops) {
        ops.sort(Comparator.comparingLong(Op::thread)
                .thenComparingDouble(Op::start)
                .thenComparingDouble(op -> -op.duration()));
        List<Op> top = new ArrayList<>();
        long thread = Long.MIN_VALUE;
        double end = Double.NEGATIVE_INFINITY;
        for (Op op : ops) {
            if (op.thread() == thread && op.start() < end) continue;
            top.add(op);
            thread = op.thread();
            end = op.start() + op.duration();
        }
        return top;
    }
}
