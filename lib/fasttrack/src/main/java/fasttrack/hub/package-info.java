/**
 * Models in the formats the rest of the world uses: a trained course GPT leaves as a Hugging Face
 * folder, and a GPT-2 someone else trained comes in.
 *
 * <p>What it teaches:
 * <ul>
 *   <li>{@link fasttrack.hub.Safetensors}: the file format nearly every open model ships in. Eight bytes
 *       saying how long the header is, a JSON header giving each tensor's type, shape and byte range,
 *       then the raw numbers. Nothing in it runs code (unlike a pickled PyTorch checkpoint), and a reader
 *       can check every byte range before trusting it, which this one does. 16-bit formats (float16,
 *       bfloat16) halve the file; converting to them rounds, and how it rounds is spelled out.</li>
 *   <li>{@link fasttrack.hub.Gpt2Folder}: the same network under another library's names. The course's
 *       {@code Gpt} and Hugging Face's {@code GPT2LMHeadModel} compute the same function; only the names,
 *       the layout of the linear weights (GPT-2 stores them transposed, as "Conv1D" [in, out]) and a
 *       few options (the tanh GELU, a tied output head) differ. Exporting is a renaming plus transposes;
 *       importing checks every name, shape and config field against what the course model can compute,
 *       and refuses, naming what is wrong, rather than loading something that silently differs.</li>
 *   <li>The course's tokenizers written as a {@code tokenizer.json} that Hugging Face's tokenizers
 *       library reads and encodes identically ({@code CharTokenizer.saveTokenizerJson},
 *       {@code BpeTokenizer.saveTokenizerJson}).</li>
 * </ul>
 * An exported folder is checked against an implementation no one here wrote: Jlama, a Java inference
 * engine, loads it in its own process and its next-token probabilities are compared with the course
 * model's (see the tests and {@code lib/jlama-check}).
 */
package fasttrack.hub;
