package fasttrack.serve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A closed-loop load test: {@code clients} threads, each sending its requests one after another as
 * soon as the previous one is answered, all at once. Throughput is the tokens generated over the
 * wall time; latency is each request's time from sending to its last token.
 */
public final class LoadTest {

    /** What one run measured. */
    public record Result(int clients, int requests, int tokens, double seconds, double[] latencies) {
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
    public static Result run(CompletionClient client, int clients, int requestsPerClient, String prompt, int maxTokens, double temperature) throws Exception {
        if (clients < 1 || requestsPerClient < 1) throw new IllegalArgumentException("need at least 1 client and 1 request each, got " + clients + ", " + requestsPerClient);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long started = System.nanoTime();
            List<Future<double[]>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                futures.add(pool.submit(() -> {
                    double[] out = new double[2 * requestsPerClient];   // latency, tokens per request
                    for (int r = 0; r < requestsPerClient; r++) {
                        CompletionClient.Completion done = client.complete(prompt, maxTokens, temperature, 1000L * id + r);
                        out[2 * r] = done.seconds();
                        out[2 * r + 1] = done.tokens();
                    }
                    return out;
                }));
            }
            double[] latencies = new double[clients * requestsPerClient];
            int tokens = 0, k = 0;
            for (Future<double[]> f : futures) {
                double[] out = f.get();
                for (int r = 0; r < requestsPerClient; r++) { latencies[k++] = out[2 * r]; tokens += (int) out[2 * r + 1]; }
            }
            return new Result(clients, latencies.length, tokens, (System.nanoTime() - started) / 1e9, latencies);
        } finally {
            pool.shutdownNow();
        }
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
