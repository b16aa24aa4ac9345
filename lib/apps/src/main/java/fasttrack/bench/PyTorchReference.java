package fasttrack.bench;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The same GPT in plain PyTorch ({@code lib/bench/pytorch_gpt.py}), run by Python in a child process so
 * both stacks are timed on this machine in one invocation. Each phase is a fresh process that prints
 * one JSON object.
 *
 * <p>The reference must be the same on every machine, and Debian's PyTorch 1.13 does its float32 matrix
 * products in whichever {@code libblas.so.3} the linker finds (it is built with {@code BLAS_INFO=generic}
 * and links {@code libblas.so.3}). With both of Debian's OpenBLAS builds installed, the alternatives
 * system points {@code /usr/lib/<arch>/libblas.so.3} at the pthread build (priority 100 over 95), on
 * which a training step took 992 ms instead of 404 (one machine, 2 threads). So every child gets
 * OpenBLAS's OpenMP folder first on its {@code LD_LIBRARY_PATH}: the linker searches that before
 * {@code ld.so.cache} and the default folders where the alternatives symlink lives, and libtorch_cpu
 * carries no RPATH that would come first. Whether the pin took is read back from the child's memory map
 * ({@link #pinned()}); ratios are only printed when it did.
 */
final class PyTorchReference {

    static final String INSTALL = "apt-get install --no-install-recommends python3-torch libopenblas0-openmp";
    static final String INSTALL_OPENMP_BLAS = "apt-get install --no-install-recommends libopenblas0-openmp";
    /** Names another folder to pin instead of Debian's openblas-openmp one: for other layouts, and to test the unpinned path. */
    static final String OPENBLAS_FOLDER_VARIABLE = "FASTTRACK_BENCH_OPENBLAS";

    private final String python;
    private final Path script;
    private final Map<String, String> environment;
    private final Path openBlasFolder;
    private final String version;
    private final int threads;
    private final String parallelBackend;
    private final LoadedLibraries libraries;

    private PyTorchReference(
            String python, Path script, Map<String, String> environment, Path openBlasFolder, JsonObject probe) {
        this.python = python;
        this.script = script;
        this.environment = environment;
        this.openBlasFolder = openBlasFolder;
        this.version = probe.get("torch").getAsString();
        this.threads = probe.get("threads").getAsInt();
        this.parallelBackend = probe.get("parallel_backend").getAsString();
        List<String> paths = new ArrayList<>();
        for (JsonElement path : probe.getAsJsonArray("libraries")) paths.add(path.getAsString());
        this.libraries = new LoadedLibraries(paths);
    }

    /**
     * The reference if a Python with torch is found ({@code $FASTTRACK_BENCH_PYTHON}, else
     * /usr/bin/python3, else python3 on the PATH), or why not. Finding it runs the script's probe phase
     * (a small matrix product at {@code threads} threads, then the libraries the process mapped).
     */
    static Optional<PyTorchReference> find(Path repo, int threads, List<String> whyNot) {
        Path script = repo.resolve("lib/bench/pytorch_gpt.py");
        if (!Files.isRegularFile(script)) {
            whyNot.add(script + " is missing");
            return Optional.empty();
        }
        Path folder = openBlasFolder(System.getenv(), System.getProperty("os.arch"));
        Map<String, String> environment = childEnvironment(System.getenv(), folder);
        List<String> candidates = new ArrayList<>();
        String chosen = System.getenv("FASTTRACK_BENCH_PYTHON");
        if (chosen != null && !chosen.isBlank()) candidates.add(chosen);
        candidates.add("/usr/bin/python3");
        candidates.add("python3");
        for (String python : candidates) {
            try {
                JsonObject probe = lastJson(run(
                        List.of(python, script.toString(), "probe", "{\"threads\": " + threads + "}"),
                        environment,
                        120));
                return Optional.of(new PyTorchReference(python, script, environment, folder, probe));
            } catch (IOException e) {
                whyNot.add(python + ": "
                        + e.getMessage().lines().reduce((a, b) -> b).orElse(""));
            }
        }
        return Optional.empty();
    }

    /**
     * The folder holding OpenBLAS's OpenMP build of libblas.so.3: {@code $FASTTRACK_BENCH_OPENBLAS} if set,
     * else where Debian's libopenblas0-openmp puts it, {@code /usr/lib/<multiarch>/openblas-openmp}.
     */
    static Path openBlasFolder(Map<String, String> environment, String osArch) {
        String chosen = environment.get(OPENBLAS_FOLDER_VARIABLE);
        if (chosen != null && !chosen.isBlank()) return Path.of(chosen);
        String multiarch =
                ("amd64".equals(osArch) ? "x86_64" : osArch) + "-linux-gnu"; // Java says amd64, Debian x86_64
        return Path.of("/usr/lib", multiarch, LoadedLibraries.OPENBLAS_OPENMP);
    }

    /** This process's environment with {@code openBlasFolder} first on LD_LIBRARY_PATH, ahead of whatever was there. */
    static Map<String, String> childEnvironment(Map<String, String> parent, Path openBlasFolder) {
        Map<String, String> child = new HashMap<>(parent);
        String before = parent.get("LD_LIBRARY_PATH");
        child.put(
                "LD_LIBRARY_PATH",
                before == null || before.isEmpty() ? openBlasFolder.toString() : openBlasFolder + ":" + before);
        return child;
    }

    String version() {
        return version;
    }

    String python() {
        return python;
    }

    int threads() {
        return threads;
    }

    /** ATen's parallel backend (OpenMP for Debian's build), from torch.__config__.parallel_info(). */
    String parallelBackend() {
        return parallelBackend;
    }

    /** The shared libraries the reference mapped after a matrix product. */
    LoadedLibraries libraries() {
        return libraries;
    }

    Path openBlasFolder() {
        return openBlasFolder;
    }

    /** Whether the reference's matrix products ran on OpenBLAS's OpenMP build, as its memory map shows. */
    boolean pinned() {
        return libraries.onOpenMpOpenBlas();
    }

    /** Why no ratio is printed against this reference, and what to do; empty when it is pinned. */
    Optional<String> unpinnedWarning() {
        return unpinnedWarning(libraries, openBlasFolder, System.getenv(OPENBLAS_FOLDER_VARIABLE) != null);
    }

    /**
     * Why no ratio may be printed against a reference that mapped {@code libraries} after
     * {@code openBlasFolder} was put first on its LD_LIBRARY_PATH, and what to install; empty when its
     * BLAS is OpenBLAS's OpenMP build. {@code overridden}: the folder came from $FASTTRACK_BENCH_OPENBLAS.
     */
    static Optional<String> unpinnedWarning(LoadedLibraries libraries, Path openBlasFolder, boolean overridden) {
        if (libraries.onOpenMpOpenBlas()) return Optional.empty();
        List<String> blas = libraries.blas();
        String loaded = blas.isEmpty() ? "no separate BLAS library" : String.join(", ", blas);
        String folder = Files.isRegularFile(openBlasFolder.resolve("libblas.so.3"))
                ? openBlasFolder + " was first on its LD_LIBRARY_PATH"
                : openBlasFolder + ", first on its LD_LIBRARY_PATH, holds no libblas.so.3";
        return Optional.of(
                "The PyTorch reference is not on OpenBLAS's OpenMP build: it loaded " + loaded + " (" + folder + ")."
                        + " Another BLAS changes its speed (on one machine Debian's pthread build made a training step 2.5x slower), so its numbers"
                        + " are printed but no ratio or target is judged against them. To pin it, "
                        + (overridden
                                ? "unset $" + OPENBLAS_FOLDER_VARIABLE + ", which chose " + openBlasFolder
                                        + ", so Debian's " + LoadedLibraries.OPENBLAS_OPENMP
                                        + " folder is used (installed, as root, by: " + INSTALL_OPENMP_BLAS + ")."
                                : "as root: " + INSTALL_OPENMP_BLAS));
    }

    /** Runs one phase ("matmul", "train", "generate") with {@code config}; its JSON result. */
    JsonObject run(String phase, Map<String, Object> config) throws IOException {
        return lastJson(run(List.of(python, script.toString(), phase, new Gson().toJson(config)), environment, 1800));
    }

    private static JsonObject lastJson(String out) throws IOException {
        String last = out.lines()
                .filter(l -> l.startsWith("{"))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new IOException("the PyTorch reference printed no result:\n" + out));
        return JsonParser.parseString(last).getAsJsonObject();
    }

    private static String run(List<String> command, Map<String, String> environment, long timeoutSeconds)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
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
