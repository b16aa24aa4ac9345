package fasttrack.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonObject;
import fasttrack.generate.Generator;
import fasttrack.generate.Sampling;
import fasttrack.lora.LoraAdapters;
import fasttrack.lora.LoraConfig;
import fasttrack.nn.Gpt;
import fasttrack.nn.GptConfig;
import fasttrack.runtime.Banner;
import fasttrack.runtime.ProcessMemory;
import fasttrack.runtime.Setup;
import fasttrack.scale.TransformerFlops;
import fasttrack.text.CharTokenizer;
import fasttrack.text.Corpus;
import fasttrack.train.GptTrainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Speed and memory of the course GPT, side by side with the same model in plain PyTorch run in the
 * same invocation ({@link PyTorchReference}): the float32 matrix-product ceiling of both stacks,
 * training tokens/s (median step after warm-up, with and without dropout), generation tokens/s at
 * batch 1 with and without the KV cache (best of 3 alternating runs, at 1 thread and at all
 * threads), a LoRA step against a full step, and resident memory over a long run. Run with
 * lib/bin/benchmark; not part of the tests (timings are not asserts).
 *
 * <p>First a header says what each side computes with (engine, threads, and the BLAS and OpenMP libraries
 * each process mapped after a matrix product). Ratios and the targets against PyTorch are only printed
 * when the reference ran on OpenBLAS's OpenMP build ({@link PyTorchReference#pinned()}): on Debian's
 * pthread build the same PyTorch took 2.5x as long per training step on one machine, and the ratio would
 * measure the machine's packages, not this project.
 *
 * <p>usage: GptBenchmark [--steps N (60)] [--memory-steps N (2000)] [--no-reference] [--matmul-only] | --profile DIR
 * | --tokenizers [--rounds N] [--no-reference] | --hub [--rounds N] [--small-only] | --recipes; --help prints the options.
 * {@code --tokenizers} runs {@link TokenizerBenchmark} instead, {@code --hub} {@link HubBenchmark}, {@code --recipes}
 * {@link RecipeComparison}.
 * <p>{@code --profile DIR} instead runs a few training steps (full and LoRA) and generations (with and
 * without the cache) under libtorch's profiler, writes the traces to DIR and prints the engine ops
 * per step and per token, and where their time goes ({@link EngineProfile}).
 */
public final class GptBenchmark {

    private static final int BATCH = 32, WARMUP_STEPS = 5, NEW_TOKENS = 110, ROUNDS = 3, MATMUL_ROUNDS = 10;
    private static final int[] MATMUL_SIZES = {512, 1024, 2048};
    /** The memory run's first measurement: after the allocator and the JIT have settled, so growth after it is a leak. */
    private static final int MEMORY_SETTLED_STEP = 200;

    private static final String PROMPT = "And God said";

    private final int steps;
    private final int threads;
    private final Optional<PyTorchReference> reference;
    private final boolean comparable; // a reference on the pinned BLAS: ratios and targets against it mean something
    private final int[] train;
    private final int[] validation;
    private final CharTokenizer chars;
    private final Path tokenFile;
    private final List<String[]> rows = new ArrayList<>();
    private double ceilingOurs; // GFLOP/s
    private Double ceilingTheirs; // GFLOP/s, null without the reference
    private final List<String> targets = new ArrayList<>();

    private GptBenchmark(int steps, Optional<PyTorchReference> reference) throws IOException {
        this.steps = steps;
        this.threads = engineThreads();
        this.reference = reference;
        this.comparable = reference.map(PyTorchReference::pinned).orElse(false);
        Corpus.Split split = Corpus.kjv().split(0.9);
        chars = CharTokenizer.fit(split.train());
        train = chars.encode(split.train());
        validation = chars.encode(split.validation());
        tokenFile = Files.createTempFile("fasttrack-bench-", ".int32");
        tokenFile.toFile().deleteOnExit();
        ByteBuffer bytes = ByteBuffer.allocate(4 * train.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(train);
        Files.write(tokenFile, bytes.array());
    }

    public static void main(String[] args) throws IOException {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
        System.exit(0); // DJL leaves non-daemon threads behind
    }

    private static void run(String[] args) throws IOException {
        if (Arrays.asList(args).contains("--tokenizers")) { // the tokenizer benchmark instead, with the other arguments
            TokenizerBenchmark.run(
                    Arrays.stream(args).filter(a -> !a.equals("--tokenizers")).toArray(String[]::new));
            return;
        }
        if (Arrays.asList(args).contains("--hub")) { // the GPT-2 export against Jlama instead, with the other arguments
            try {
                HubBenchmark.run(
                        Arrays.stream(args).filter(a -> !a.equals("--hub")).toArray(String[]::new));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while Jlama ran", e);
            }
            return;
        }
        if (Arrays.asList(args).contains("--recipes")) {
            if (args.length > 1 && !Arrays.asList(args).equals(List.of("--recipes", "--help"))) {
                throw new IllegalArgumentException("--recipes takes no other option; " + USAGE);
            }
            if (args.length == 1) RecipeComparison.main(args);
            else System.out.println(HELP);
            return;
        }
        int steps = 60, memorySteps = 2000;
        boolean withReference = true, matmulOnly = false;
        Path profile = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = positive(args, ++i, "--steps", USAGE);
                case "--memory-steps" -> memorySteps = positive(args, ++i, "--memory-steps", USAGE);
                case "--no-reference" -> withReference = false;
                case "--matmul-only" -> matmulOnly = true;
                case "--profile" -> {
                    if (++i >= args.length)
                        throw new IllegalArgumentException("--profile needs a folder for the traces; " + USAGE);
                    profile = Path.of(args[i]);
                }
                case "--help" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        if (memorySteps <= MEMORY_SETTLED_STEP) {
            throw new IllegalArgumentException("--memory-steps must exceed " + MEMORY_SETTLED_STEP
                    + ", the step of its first measurement; got " + memorySteps + "; " + USAGE);
        }
        if (help) {
            System.out.print(HELP);
            return;
        }
        if (profile != null) {
            new GptBenchmark(steps, Optional.empty()).profile(profile);
            return;
        }
        if (steps < 50 && !matmulOnly) System.out.println("note: medians over fewer than 50 steps are noisy");
        List<String> whyNot = new ArrayList<>();
        Optional<PyTorchReference> reference = withReference
                ? PyTorchReference.find(Path.of("").toAbsolutePath(), engineThreads(), whyNot)
                : Optional.empty();
        GptBenchmark bench = new GptBenchmark(steps, reference);
        bench.header(
                withReference
                        ? "not found (" + String.join("; ", whyNot) + "). Install it with: " + PyTorchReference.INSTALL
                        : "skipped (--no-reference)");
        bench.matmul();
        if (!matmulOnly) {
            bench.training(0f);
            bench.training(0.1f);
            bench.generation();
            bench.lora();
            bench.memory(memorySteps);
        }
        bench.print();
    }

    private static final String USAGE =
            "usage: lib/bin/benchmark [--steps N] [--memory-steps N] [--no-reference] [--matmul-only] | --profile DIR"
                    + " | --tokenizers [--rounds N] [--no-reference] | --hub [--rounds N] [--small-only] | --recipes";
    private static final String HELP = USAGE + """

              --steps N          training steps timed per configuration (default 60; medians over fewer than 50 are noisy)
              --memory-steps N   steps of the resident-memory run, more than 200 (default 2000; memory is first measured at step 200)
              --no-reference     this project's half only, without the PyTorch reference
              --matmul-only      the header (each side's engine, threads, BLAS) and the matmul ceilings only: a quick check of the setup
              --profile DIR      instead, steps and generations under libtorch's profiler: ops, where time goes, traces in DIR
              --tokenizers       instead, the course's BPE encoder on OpenAI's rank tables vs js-tiktoken (node) on the KJV:
                                 GPT-2, cl100k_base, o200k_base, best of 3 rounds each side (options: --tokenizers --help)
              --hub              instead, the course GPT exported as a GPT-2 folder and run by Jlama (Java 21+) at notebook 10's
                                 shape and GPT-2 small's (124 M, random weights, written under target/): next-token probabilities
                                 within 1e-4 and the same greedy tokens, then greedy decoding tokens/s of the course's CachedDecoder
                                 and of Jlama side by side (options: --hub --help)
              --recipes          instead, notebook 10's recipe against dropout 0.1 and other schedules: validation loss every
                                 100 steps for two initial seeds (losses, not timings; ten 600-step runs)
              --help             this text (after checking the other arguments)
            """;

    /** The whole number >= 1 at args[i], the value of {@code option}; otherwise a message naming {@code usage}. */
    static int positive(String[] args, int i, String option, String usage) {
        try {
            int value = Integer.parseInt(i < args.length ? args[i] : "");
            if (value >= 1) return value;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a whole number >= 1, got "
                + (i < args.length ? "'" + args[i] + "'" : "nothing") + "; " + usage);
    }

    /** The engine's intra-op threads (loading the engine first: the count is read from it). */
    private static int engineThreads() {
        Setup.manager();
        return JniUtils.getNumThreads();
    }

    /**
     * Prints what each side computes with, read from each process's memory map after a matrix product:
     * engine, threads, BLAS and OpenMP runtime; then whether the reference's BLAS is the pinned one, or
     * why no ratio will be printed. {@code noReference}: what to say when there is none.
     */
    private void header(String noReference) throws IOException {
        try (NDManager scope = Setup.manager().newSubManager()) {
            NDArray a = scope.randomNormal(new Shape(64, 64));
            a.matMul(a).close(); // maps the BLAS the engine's matrix products use
        }
        LoadedLibraries ours = LoadedLibraries.ofThisProcess();
        Banner banner = Setup.banner();
        System.out.printf(
                "device %s, %d cores%n%n", Setup.device(), Runtime.getRuntime().availableProcessors());
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"", "DJL (this project)", "PyTorch reference"});
        table.add(new String[] {
            "engine",
            banner.engine() + " through DJL " + banner.facts().get("DJL"),
            reference.map(r -> "torch " + r.version() + " (" + r.python() + ")").orElse("-")
        });
        table.add(new String[] {
            "threads",
            threads + " intra-op",
            reference
                    .map(r -> r.threads() + ", ATen parallel backend " + r.parallelBackend())
                    .orElse("-")
        });
        table.add(new String[] {
            "BLAS (mapped after a matmul)",
            engineBlas(ours, JniUtils.getFeatures()),
            reference.map(r -> listOrNone(r.libraries().blas())).orElse("-")
        });
        table.add(new String[] {
            "OpenMP runtime",
            listOrNone(ours.openMp()),
            reference.map(r -> listOrNone(r.libraries().openMp())).orElse("-")
        });
        table.add(new String[] {
            "first on LD_LIBRARY_PATH",
            "-",
            reference.map(r -> r.openBlasFolder().toString()).orElse("-")
        });
        System.out.println(markdown(table));
        if (reference.isEmpty()) {
            System.out.println("PyTorch reference: " + noReference);
        } else {
            System.out.println(
                    reference
                            .get()
                            .unpinnedWarning()
                            .orElse(
                                    "The reference runs on OpenBLAS's OpenMP build, as pinned: the ratios below compare like with like."));
        }
        System.out.println();
    }

    /**
     * The engine's BLAS: MKL inside libtorch_cpu when the engine reports the MKL feature (DJL's libtorch
     * links it in statically, so no BLAS library shows in the map), and any BLAS libraries mapped besides.
     */
    static String engineBlas(LoadedLibraries libraries, Set<String> engineFeatures) {
        List<String> mapped = libraries.blas();
        if (!engineFeatures.contains("MKL"))
            return mapped.isEmpty()
                    ? "none mapped (engine features " + engineFeatures + ")"
                    : String.join(", ", mapped);
        String mkl = "MKL, linked into " + libraries.find("libtorch_cpu").orElse("libtorch");
        return mapped.isEmpty() ? mkl : mkl + "; also mapped: " + String.join(", ", mapped);
    }

    private static String listOrNone(List<String> paths) {
        return paths.isEmpty() ? "none mapped" : String.join(", ", paths);
    }

    /** Rows as a Markdown table, the first row the heading, columns as wide as their widest cell. */
    static String markdown(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            for (int i = 0; i < widths.length; i++)
                out.append("| ")
                        .append(String.format("%-" + widths[i] + "s", rows.get(r)[i]))
                        .append(' ');
            out.append("|\n");
            if (r == 0) {
                for (int width : widths) out.append('|').append("-".repeat(width + 2));
                out.append("|\n");
            }
        }
        return out.toString();
    }

    private void profile(Path dir) throws IOException {
        Files.createDirectories(dir);
        GptConfig config = GptConfig.cpu(chars.vocabSize());
        for (boolean lora : new boolean[] {false, true}) {
            Setup.seed(1337);
            Gpt model = new Gpt(config).initialize(Setup.manager());
            if (lora) LoraAdapters.attach(model, LoraConfig.attention(4, 8));
            try (GptTrainer trainer =
                    new GptTrainer(model, train, validation, GptTrainer.Config.defaults(10_000), Setup.manager())) {
                trainer.train(WARMUP_STEPS, null);
                String name = lora ? "LoRA r=4 training step (dropout 0.1)" : "full training step (dropout 0.1)";
                System.out.println(EngineProfile.of(
                        name,
                        3,
                        "step",
                        dir.resolve(lora ? "train-lora.json" : "train-full.json"),
                        () -> trainer.train(3, null)));
            }
        }
        Setup.seed(1);
        Generator generator = new Generator(new Gpt(config).initialize(Setup.manager()), Setup.manager());
        int[] prompt = chars.encode(PROMPT);
        for (boolean cache : new boolean[] {false, true}) {
            for (int i = 0; i < 3; i++) generator.generate(prompt, NEW_TOKENS, Sampling.greedy(), cache); // JIT warm-up
            System.out.println(EngineProfile.of(
                    "generation " + (cache ? "with" : "without") + " KV cache",
                    NEW_TOKENS,
                    "token",
                    dir.resolve(cache ? "generate-cached.json" : "generate-plain.json"),
                    () -> generator.generate(prompt, NEW_TOKENS, Sampling.greedy(), cache)));
        }
    }

    /**
     * The best float32 matrix product rate: square products of several sizes, best of {@code MATMUL_ROUNDS}
     * each (a single timing is at the mercy of whatever else the machine does).
     */
    private void matmul() {
        double best = 0;
        try (NDManager scope = Setup.manager().newSubManager()) {
            for (int n : MATMUL_SIZES) {
                NDArray a = scope.randomNormal(new Shape(n, n)), b = scope.randomNormal(new Shape(n, n));
                for (int i = 0; i < 3; i++) a.matMul(b).close();
                for (int i = 0; i < MATMUL_ROUNDS; i++) {
                    long start = System.nanoTime();
                    a.matMul(b).close();
                    best = Math.max(best, 2.0 * n * n * n / ((System.nanoTime() - start) / 1e9) / 1e9);
                }
            }
        }
        ceilingOurs = best;
        ceilingTheirs = referenceNumber("matmul", Map.of(), r -> r.get("gflops").getAsDouble());
        row(
                String.format(
                        "matmul ceiling: float32 n x n, n in %s, best of %d, GFLOP/s (%d threads)",
                        Arrays.toString(MATMUL_SIZES), MATMUL_ROUNDS, threads),
                ceilingOurs,
                ceilingTheirs);
    }

    private void training(float dropout) {
        GptConfig config = new GptConfig(chars.vocabSize(), 128, 4, 4, 128, dropout, false);
        double ms = medianStepMs(config, null);
        Double theirs = referenceNumber(
                "train", Map.of("dropout", dropout), r -> r.get("ms_per_step").getAsDouble());
        double tokens = BATCH * 128.0;
        String name = String.format(
                Locale.ROOT,
                "training, dropout %.1f: tokens/s (batch %d x 128, median of %d steps)",
                dropout,
                BATCH,
                steps);
        row(name, tokens / ms * 1000, theirs == null ? null : tokens / theirs * 1000);
        double flops = TransformerFlops.trainingStep(config, BATCH),
                ofCeiling = flops / (ms / 1000) / 1e9 / ceilingOurs;
        rows.add(new String[] {
            String.format(Locale.ROOT, "  same, %% of own matmul ceiling (%.2f GFLOP/step)", flops / 1e9),
            percent(ofCeiling),
            theirs == null || ceilingTheirs == null ? "-" : percent(flops / (theirs / 1000) / 1e9 / ceilingTheirs),
            ""
        });
        String which = String.format(Locale.ROOT, "training, dropout %.1f", dropout);
        if (theirs != null && comparable)
            target(which + ": tokens/s >= 1.2x PyTorch's", theirs / ms, 1.2, true, "%.2fx");
        target(which + ": >= 50% of the matmul ceiling", ofCeiling * 100, 50, true, "%.0f%%");
    }

    /** Median ms of a training step of a fresh model with {@code config}, optionally LoRA-adapted first. */
    private double medianStepMs(GptConfig config, LoraConfig lora) {
        Setup.seed(1337);
        Gpt model = new Gpt(config).initialize(Setup.manager());
        if (lora != null) LoraAdapters.attach(model, lora);
        try (GptTrainer trainer =
                new GptTrainer(model, train, validation, GptTrainer.Config.defaults(10_000), Setup.manager())) {
            trainer.train(WARMUP_STEPS, null);
            double[] times = new double[steps];
            for (int i = 0; i < steps; i++) {
                long start = System.nanoTime();
                trainer.train(1, null);
                times[i] = (System.nanoTime() - start) / 1e6;
            }
            return median(times);
        }
    }

    private void generation() {
        Setup.seed(1);
        Gpt model = new Gpt(GptConfig.cpu(chars.vocabSize())).initialize(Setup.manager());
        Generator generator = new Generator(model, Setup.manager());
        int[] prompt = chars.encode(PROMPT);
        JsonObject theirs = referenceJson("generate", Map.of("dropout", 0.1f));
        double ourPlain = 0, ourCached = 0;
        for (int t : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
            JniUtils.setNumThreads(t);
            // One untimed run of each, then alternate, best of each: the JIT keeps speeding up the
            // per-token Java work for the first few hundred tokens, so a single run measures warm-up.
            tokensPerSecond(generator, prompt, false);
            tokensPerSecond(generator, prompt, true);
            double plain = 0, cached = 0;
            for (int round = 0; round < ROUNDS; round++) {
                plain = Math.max(plain, tokensPerSecond(generator, prompt, false));
                cached = Math.max(cached, tokensPerSecond(generator, prompt, true));
            }
            JsonObject ref = theirs == null ? null : theirs.getAsJsonObject("threads_" + t);
            row(
                    String.format(
                            "generation tokens/s, batch 1, %d new tokens, no KV cache, %d thread%s",
                            NEW_TOKENS, t, t > 1 ? "s" : ""),
                    plain,
                    ref == null ? null : ref.get("plain").getAsDouble());
            row(
                    String.format(
                            "generation tokens/s, batch 1, %d new tokens, KV cache, %d thread%s",
                            NEW_TOKENS, t, t > 1 ? "s" : ""),
                    cached,
                    ref == null ? null : ref.get("cached").getAsDouble());
            if (t == threads) {
                ourPlain = plain;
                ourCached = cached;
            }
        }
        JniUtils.setNumThreads(threads);
        if (theirs != null && comparable) {
            // Ours at the engine's default threads (what a learner's Generator runs with) against PyTorch's best
            // setting.
            double bestPlain = 0, bestCached = 0;
            for (String key : theirs.keySet()) {
                if (!key.startsWith("threads_")) continue;
                bestPlain = Math.max(
                        bestPlain, theirs.getAsJsonObject(key).get("plain").getAsDouble());
                bestCached = Math.max(
                        bestCached, theirs.getAsJsonObject(key).get("cached").getAsDouble());
            }
            target(
                    "generation without cache: >= 1.2x PyTorch's best thread setting",
                    ourPlain / bestPlain,
                    1.2,
                    true,
                    "%.2fx");
            target(
                    "generation with KV cache: >= 1.2x PyTorch's best thread setting",
                    ourCached / bestCached,
                    1.2,
                    true,
                    "%.2fx");
        }
    }

    /** A LoRA step against a full step of the same model, measured back to back. */
    private void lora() {
        GptConfig config = GptConfig.cpu(chars.vocabSize());
        double full = medianStepMs(config, null), adapted = medianStepMs(config, LoraConfig.attention(4, 8));
        rows.add(new String[] {
            "LoRA r=4 on attention, dropout 0.1: ms/step / a full step's ms",
            fmt(adapted) + " / " + fmt(full) + " = " + String.format(Locale.ROOT, "%.2f", adapted / full),
            "-",
            ""
        });
        target("LoRA r=4 step <= 0.75x a full step", adapted / full, 0.75, false, "%.2f");
    }

    private void memory(int memorySteps) {
        Setup.seed(1);
        Gpt small = new Gpt(new GptConfig(chars.vocabSize(), 64, 2, 4, 64, 0.1f, false)).initialize(Setup.manager());
        try (GptTrainer trainer = new GptTrainer(
                small,
                train,
                validation,
                GptTrainer.Config.defaults(memorySteps)
                        .withBatchSize(16)
                        .withWarmup(50)
                        .withEvaluation(memorySteps, 2)
                        .withSeed(1),
                Setup.manager())) {
            trainer.train(MEMORY_SETTLED_STEP, null);
            System.gc(); // measure native memory, not Java garbage waiting for collection
            double early = ProcessMemory.residentMiB();
            trainer.train(null);
            System.gc();
            double late = ProcessMemory.residentMiB();
            rows.add(new String[] {
                "resident memory after " + MEMORY_SETTLED_STEP + " / " + memorySteps
                        + " steps (2 layers, C 64, batch 16 x 64), MiB",
                fmt(early) + " / " + fmt(late),
                "-",
                ""
            });
            target(
                    "resident memory flat: growth from step " + MEMORY_SETTLED_STEP + " to " + memorySteps + " <= 5%",
                    100 * (late - early) / early,
                    5,
                    false,
                    "%+.1f%%");
        }
    }

    private double tokensPerSecond(Generator generator, int[] prompt, boolean cache) {
        long start = System.nanoTime();
        generator.generate(prompt, NEW_TOKENS, Sampling.greedy(), cache);
        return NEW_TOKENS / ((System.nanoTime() - start) / 1e9);
    }

    /** The reference's number for a phase, or null (and the reason printed) when it cannot run. */
    private Double referenceNumber(String phase, Map<String, Object> overrides, Function<JsonObject, Double> pick) {
        JsonObject result = referenceJson(phase, overrides);
        return result == null ? null : pick.apply(result);
    }

    private JsonObject referenceJson(String phase, Map<String, Object> overrides) {
        if (reference.isEmpty()) return null;
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("vocab", chars.vocabSize());
        config.put("block", 128);
        config.put("layers", 4);
        config.put("heads", 4);
        config.put("embed", 128);
        config.put("dropout", 0.1);
        GptTrainer.Config defaults = GptTrainer.Config.defaults(10_000);
        config.put("batch", defaults.batchSize());
        config.put("lr", defaults.maxLr());
        config.put("min_lr", defaults.minLr());
        config.put("warmup", defaults.warmupSteps());
        config.put("total", defaults.totalSteps());
        config.put("weight_decay", defaults.weightDecay());
        config.put("grad_clip", defaults.gradClip());
        config.put("threads", threads);
        config.put("steps", steps);
        config.put("warmup_steps", WARMUP_STEPS);
        config.put("tokens", tokenFile.toString());
        config.put("prompt", Arrays.stream(chars.encode(PROMPT)).boxed().toList());
        config.put("new_tokens", NEW_TOKENS);
        config.put("rounds", ROUNDS);
        config.put("matmul_sizes", Arrays.stream(MATMUL_SIZES).boxed().toList());
        config.put("matmul_rounds", MATMUL_ROUNDS);
        config.putAll(overrides);
        try {
            return reference.get().run(phase, config);
        } catch (IOException e) {
            System.out.println("PyTorch reference, " + phase + ": failed: " + e.getMessage());
            return null;
        }
    }

    private void row(String name, double ours, Double theirs) {
        rows.add(new String[] {
            name,
            fmt(ours),
            theirs == null ? "-" : fmt(theirs),
            theirs == null ? "" : comparable ? String.format(Locale.ROOT, "%.2fx", ours / theirs) : "unpinned"
        });
        System.out.printf("  %s: %s%s%n", name, fmt(ours), theirs == null ? "" : " vs PyTorch " + fmt(theirs));
    }

    private void print() {
        System.out.printf(
                "%n| %-88s | %16s | %12s | %10s |%n", "measurement", "DJL (this project)", "PyTorch", "ours/theirs");
        System.out.printf("|%s|%s|%s|%s|%n", "-".repeat(90), "-".repeat(20), "-".repeat(14), "-".repeat(13));
        for (String[] r : rows) System.out.printf("| %-88s | %18s | %12s | %11s |%n", r[0], r[1], r[2], r[3]);
        if (targets.isEmpty()) return; // --matmul-only
        System.out.println("\ntargets (issue 14), from the numbers above:");
        targets.forEach(t -> System.out.println("  " + t));
        reference
                .flatMap(PyTorchReference::unpinnedWarning)
                .ifPresent(w -> System.out.println("  none against PyTorch: " + w));
    }

    /** Records whether a target is met: {@code value} at least (or at most) {@code bound}. */
    private void target(String what, double value, double bound, boolean atLeast, String format) {
        boolean met = atLeast ? value >= bound : value <= bound;
        targets.add(String.format(
                Locale.ROOT,
                "%-72s %10s  %s",
                what,
                String.format(Locale.ROOT, format, value),
                met ? "met" : "MISSED"));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}
