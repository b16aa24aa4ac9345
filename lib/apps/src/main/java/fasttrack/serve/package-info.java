/**
 * Application, apart from the course: the GPT behind an HTTP server (Javalin): OpenAI's chat API (for
 * OpenAI's SDKs, LangChain4j and the like) read onto notebook 17's chat template, a completions API in
 * JSON and server-sent events, API keys and per-key rate limits, continuous batching with a KV cache per
 * request, chunked prefill and a prefix cache, cancellation of generations nobody waits for, bounded
 * admission and a graceful drain, health and Prometheus metrics, a chat page, a client and a load test.
 * Notebook 19 teaches it; {@code lib/bin/serve} runs it.
 */
package fasttrack.serve;
