/**
 * Application, apart from the course: the GPT behind an HTTP server (Javalin): a completions API in JSON
 * and server-sent events, API keys and per-key rate limits, continuous batching with a KV cache per
 * request, health and metrics, a chat page, a client and a load test. Notebook 19 teaches it;
 * {@code lib/bin/serve} runs it.
 */
package fasttrack.serve;
