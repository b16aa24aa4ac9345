package fasttrack.runtime;

import ai.djl.engine.Engine;
import fasttrack.show.Displayable;
import fasttrack.show.Html;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** What a notebook runs on: Java, DJL, engine, device, seed; shown at the top of every notebook. */
public record Banner(Map<String, String> facts) implements Displayable {

    public Banner {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts)); // keeps the row order
    }

    static Banner collect() {
        Engine engine = Setup.withEngine(Engine::getInstance);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("Java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        facts.put("DJL", Engine.getDjlVersion());
        facts.put("Engine", engine.getEngineName() + " " + engine.getVersion());
        facts.put("Device", Setup.device().toString());
        facts.put("GPUs visible", String.valueOf(Setup.gpuCount()));
        facts.put("CPU cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        Long seed = Setup.seedOrNull();
        facts.put("Seed", seed == null ? "not set" : seed.toString());
        facts.put("Offline", String.valueOf(Boolean.getBoolean("ai.djl.offline")));
        String cache = System.getenv("DJL_CACHE_DIR");
        facts.put(
                "Native cache",
                cache != null
                        ? cache
                        : Path.of(System.getProperty("user.home"), ".djl.ai").toString());
        facts.put("Switch device", "FASTTRACK_DEVICE=gpu before starting Jupyter, or Setup.useDevice(\"gpu\")");
        return new Banner(facts);
    }

    public String device() {
        return facts.get("Device");
    }

    public String engine() {
        return facts.get("Engine");
    }

    @Override
    public Map<String, String> mimeBundle() {
        String rows = facts.entrySet().stream()
                .map(e -> "<tr><th style=\"text-align:left\">" + Html.escape(e.getKey())
                        + "</th><td style=\"text-align:left\">" + Html.escape(e.getValue()) + "</td></tr>")
                .collect(Collectors.joining());
        return Html.of("<table>" + rows + "</table>", toString()).mimeBundle();
    }

    @Override
    public String toString() {
        return facts.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("\n"));
    }
}
