package fasttrack.bench;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The same GPT in plain PyTorch ({@code lib/bench/pytorch_gpt.py}), run by Python in a child process so
 * both stacks are timed on this machine in one invocation. Each phase is a fresh process that prints
 * one JSON object.
 */
final class PyTorchReference {

    static final String INSTALL = "apt-get install --no-install-recommends python3-torch libopenblas0-openmp";

    private final String python;
    private final Path script;
    private final String version;

    private PyTorchReference(String python, Path script, String version) {
        this.python = python;
        this.script = script;
        this.version = version;
    }

    /**
     * The reference if a Python with torch is found ({@code $FASTTRACK_BENCH_PYTHON}, else
     * /usr/bin/python3, else python3 on the PATH), or why not.
     */
    static Optional<PyTorchReference> find(Path repo, List<String> whyNot) {
        Path script = repo.resolve("lib/bench/pytorch_gpt.py");
        if (!Files.isRegularFile(script)) {
            whyNot.add(script + " is missing");
            return Optional.empty();
        }
        List<String> candidates = new ArrayList<>();
        String chosen = System.getenv("FASTTRACK_BENCH_PYTHON");
        if (chosen != null && !chosen.isBlank()) candidates.add(chosen);
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String python : candidates) {
            try {
                String out = run(List.of(python, "-c", "import torch, numpy; print(torch.__version__)"), 120).trim();
                return Optional.of(new PyTorchReference(python, script, out));
            } catch (IOException e) {
                whyNot.add(python + ": " + e.getMessage().lines().reduce((a, b) -> b).orElse(""));
            }
        }
        return Optional.empty();
    }

    String version() {
        return version;
    }

    /** Runs one phase ("matmul", "train", "generate") with {@code config}; its JSON result. */
    JsonObject run(String phase, Map<String, Object> config) throws IOException {
        String json = new Gson().toJson(config);
        String out = run(List.of(python, script.toString(), phase, json), 1800);
        String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IOException("the PyTorch reference printed no result:\n" + out));
        return JsonParser.parseString(last).getAsJsonObject();
    }

    private static String run(List<String> command, long timeoutSeconds) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out after " + timeoutSeconds + " s");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) throw new IOException("exit " + process.exitValue() + ":\n" + text.strip());
            return text;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
