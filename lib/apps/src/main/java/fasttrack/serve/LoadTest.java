package fasttrack.serve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A closed-loop load test: {@code clients} threads, each sending its requests one after another as
 * soon as the previous one is answered, all at once. Throughput is the tokens generated over the
 * wall time; latency is each request's time from sending to its last token.
 */
public final class LoadTest {

    /** What one run measured, and each request's text by its seed. */
    public record Result(
            int clients, int requests, int tokens, double seconds, double[] latencies, Map<Long, String> texts) {
        public double tokensPerSecond() {
            return tokens / seconds;
        }

        public double p50() {
            return percentile(latencies, 0.50);
        }

        public double p95() {
            return percentile(latencies, 0.95);
        }
    }

    private LoadTest() {}

    /** Runs {@code clients} × {@code requestsPerClient} completions of {@code maxTokens} tokens (seeds differ per request). */
    public static Result run(
            CompletionClient client,
            int clients,
            int requestsPerClient,
            String prompt,
            int maxTokens,
            double temperature)
            throws Exception {
        if (clients < 1 || requestsPerClient < 1)
            throw new IllegalArgumentException(
                    "need at least 1 client and 1 request each, got " + clients + ", " + requestsPerClient);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long started = System.nanoTime();
            List<Future<List<CompletionClient.Completion>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                futures.add(pool.submit(() -> {
                    List<CompletionClient.Completion> done = new ArrayList<>();
                    for (int r = 0; r < requestsPerClient; r++)
                        done.add(client.complete(prompt, maxTokens, temperature, seed(id, r)));
                    return done;
                }));
            }
            double[] latencies = new double[clients * requestsPerClient];
            Map<Long, String> texts = new TreeMap<>();
            int tokens = 0, k = 0;
            for (int c = 0; c < clients; c++) {
                List<CompletionClient.Completion> done = futures.get(c).get();
                for (int r = 0; r < requestsPerClient; r++) {
                    latencies[k++] = done.get(r).seconds();
                    tokens += done.get(r).tokens();
                    texts.put(seed(c, r), done.get(r).text());
                }
            }
            return new Result(clients, latencies.length, tokens, (System.nanoTime() - started) / 1e9, latencies, texts);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Request {@code r} of client {@code c} samples with this seed, so reruns and other servers can be compared text for text. */
    static long seed(int c, int r) {
        return 1000L * c + r;
    }

    /** The nearest-rank percentile: the smallest value with at least a fraction q of the values at or below it. */
    public static double percentile(double[] values, double q) {
        if (values.length == 0) throw new IllegalArgumentException("no values to take a percentile of");
        if (!(q > 0 && q <= 1)) throw new IllegalArgumentException("q must be in (0, 1], got " + q);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(q * sorted.length) - 1];
    }
}
