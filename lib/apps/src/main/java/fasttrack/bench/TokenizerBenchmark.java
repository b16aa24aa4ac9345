package fasttrack.bench;

import fasttrack.text.Corpus;
import fasttrack.text.JsTiktoken;
import fasttrack.text.RankedBpe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Encoding speed of the course's byte-level BPE ({@link RankedBpe}) on OpenAI's rank tables, side by side
 * with js-tiktoken under node in the same run, on the whole KJV: for GPT-2, cl100k_base and o200k_base,
 * the best of N rounds after one untimed warm-up on each side. js-tiktoken caches nothing, so ours is timed
 * twice: without its chunk cache (the same work) and with it warm (what a notebook that encodes the corpus
 * again gets). node's time is measured inside its process: its start and its loading of the ranks are not
 * counted. The ids of both sides are compared too. Run with {@code lib/bin/benchmark --tokenizers}; not a test.
 *
 * <p>usage: TokenizerBenchmark [--rounds N (3)] [--no-reference]; --help prints the options
 */
public final class TokenizerBenchmark {

    static final List<String> ENCODINGS = List.of("gpt2", "cl100k_base", "o200k_base");
    static final String USAGE = "usage: lib/bin/benchmark --tokenizers [--rounds N] [--no-reference]";
    private static final String HELP = USAGE + """

              --rounds N       timed rounds per side, the best counts (default 3; one untimed warm-up round comes first)
              --no-reference   the course's encoder only, without js-tiktoken (node)
              --help           this text (after checking the other arguments)
            """;

    private TokenizerBenchmark() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /** Runs the benchmark with these arguments (the ones after --tokenizers). */
    static void run(String[] args) {
        int rounds = 3;
        boolean withReference = true, help = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = GptBenchmark.positive(args, ++i, "--rounds", USAGE);
                case "--no-reference" -> withReference = false;
                case "--help" -> help = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
            }
        }
        if (help) {
            System.out.print(HELP);
            return;
        }
        Optional<String> whyNoReference =
                withReference ? JsTiktoken.unavailable() : Optional.of("skipped (--no-reference)");
        String text = Corpus.kjv().text();
        double megabytes = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        System.out.printf(
                Locale.ROOT,
                "The KJV: %,d characters, %.2f MB of UTF-8; %d cores; Java %s; js-tiktoken %s%n",
                text.length(),
                megabytes,
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                whyNoReference
                        .map(why -> "not run: " + why)
                        .orElse(JsTiktoken.VERSION + " under node " + nodeVersion()));
        System.out.printf(
                "Best of %d rounds after a warm-up, wall clock, on this machine as loaded now: compare the sides within one run only.%n%n",
                rounds);

        List<String[]> table = new ArrayList<>();
        table.add(new String[] {
            "encoding",
            "tokens",
            "load ranks (ours)",
            "js-tiktoken",
            "ours, no chunk cache",
            "ours, chunk cache warm",
            "js-tiktoken / ours (no cache)",
            "ids"
        });
        for (String encoding : ENCODINGS) {
            long start = System.nanoTime();
            RankedBpe cached = RankedBpe.openAi(encoding);
            double loadMs = (System.nanoTime() - start) / 1e6;
            RankedBpe uncached = cached.withoutCache();
            int[] ids = uncached.encode(text); // also the uncached warm-up
            double plain = best(rounds, () -> uncached.encode(text));
            cached.encode(text); // fills the cache
            double warm = best(rounds, () -> cached.encode(text));
            String theirs = "-", ratio = "-", same = "-";
            if (whyNoReference.isEmpty()) {
                JsTiktoken.Timed js = JsTiktoken.time(encoding, List.of(text), rounds);
                theirs = speed(js.best(), megabytes);
                ratio = String.format(Locale.ROOT, "%.2f", js.best() / plain);
                same = Arrays.equals(js.ids().get(0), ids)
                        ? "identical"
                        : "DIFFERENT at token " + Arrays.mismatch(js.ids().get(0), ids);
            }
            table.add(new String[] {
                encoding,
                String.format("%,d", ids.length),
                String.format(Locale.ROOT, "%.0f ms", loadMs),
                theirs,
                speed(plain, megabytes),
                speed(warm, megabytes),
                ratio,
                same
            });
        }
        System.out.print(GptBenchmark.markdown(table));
        if (whyNoReference.isEmpty())
            System.out.println("\n(a ratio above 1: the course's encoder was faster than js-tiktoken in this run)");
    }

    /** The best of {@code rounds} timings of {@code work}, in milliseconds. */
    private static double best(int rounds, Supplier<int[]> work) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            work.get();
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
        return best;
    }

    private static String speed(double millis, double megabytes) {
        return String.format(Locale.ROOT, "%.0f ms (%.1f MB/s)", millis, megabytes / (millis / 1e3));
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder(JsTiktoken.node().orElseThrow().toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return version;
        } catch (Exception e) {
            return "(version unknown)";
        }
    }
}
