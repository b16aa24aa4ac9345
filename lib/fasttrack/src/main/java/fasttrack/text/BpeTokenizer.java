package fasttrack.text;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import fasttrack.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level byte-pair encoding, trained here (GPT-2's scheme). Text is UTF-8 bytes, so the first
 * 256 tokens are the bytes and nothing is ever unknown. Training repeatedly finds the most frequent
 * adjacent pair of tokens in the corpus and makes it a new token; encoding replays those merges in
 * the order they were learned. Merges never cross chunk boundaries (words with their leading space,
 * numbers, punctuation runs), so tokens stay meaningful.
 */
public final class BpeTokenizer implements Tokenizer {

    /** One learned merge: tokens {@code left} and {@code right} become token {@code id}; seen {@code count} times. */
    public record Merge(int left, int right, int id, long count) {}

    private final List<Merge> merges;
    private final byte[][] tokenBytes;
    private final PairMerges pairMerges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private BpeTokenizer(List<Merge> merges) {
        this.merges = List.copyOf(merges);
        tokenBytes = new byte[256 + merges.size()][];
        pairMerges = new PairMerges(merges.size());
        for (int b = 0; b < 256; b++) tokenBytes[b] = new byte[] {(byte) b};
        for (int r = 0; r < merges.size(); r++) {
            Merge m = merges.get(r);
            if (m.id() != 256 + r || m.left() >= m.id() || m.right() >= m.id() || m.left() < 0 || m.right() < 0) {
                throw new IllegalArgumentException(
                        "merge " + r + " is inconsistent: " + m + " (ids must be 256 + rank, from earlier tokens)");
            }
            byte[] l = tokenBytes[m.left()], rr = tokenBytes[m.right()];
            byte[] joined = Arrays.copyOf(l, l.length + rr.length);
            System.arraycopy(rr, 0, joined, l.length, rr.length);
            tokenBytes[m.id()] = joined;
            pairMerges.put(m.left(), m.right(), m.id());
        }
    }

    /**
     * Learns {@code vocabSize − 256} merges from {@code text}.
     *
     * @throws IllegalArgumentException if the vocabulary is smaller than the 256 byte tokens, or the
     *                                  text runs out of pairs to merge before reaching it
     */
    public static BpeTokenizer train(String text, int vocabSize) {
        if (vocabSize < 256)
            throw new IllegalArgumentException("vocabSize must be at least 256 (one token per byte), got " + vocabSize);
        if (text == null || text.isEmpty())
            throw new IllegalArgumentException("cannot train a tokenizer on empty text");
        Map<String, Integer> chunkCounts = new HashMap<>();
        for (String chunk : ByteLevel.chunks(text)) chunkCounts.merge(chunk, 1, Integer::sum);
        List<int[]> words = new ArrayList<>(chunkCounts.size());
        long[] counts = new long[chunkCounts.size()];
        int w = 0;
        for (Map.Entry<String, Integer> e : chunkCounts.entrySet()) {
            words.add(byteIds(e.getKey()));
            counts[w++] = e.getValue();
        }
        // Pair counts are kept up to date incrementally: a merge only touches the chunks that contain
        // its pair, so each step costs the size of those chunks, not of the whole corpus.
        Map<Long, Long> pairCounts = new HashMap<>();
        Map<Long, Set<Integer>> chunksWithPair = new HashMap<>();
        for (int k = 0; k < words.size(); k++) count(words.get(k), counts[k], k, pairCounts, chunksWithPair);
        List<Merge> merges = new ArrayList<>();
        for (int id = 256; id < vocabSize; id++) {
            if (pairCounts.isEmpty()) {
                throw new IllegalArgumentException("the text has no pairs left to merge after " + merges.size()
                        + " merges: ask for a vocabulary of at most " + id + " tokens, or give more text");
            }
            long best = 0, bestCount = -1;
            for (Map.Entry<Long, Long> e :
                    pairCounts.entrySet()) { // most frequent; ties go to the smallest pair, for determinism
                if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < best)) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            int left = (int) (best >>> 32), right = (int) best;
            merges.add(new Merge(left, right, id, bestCount));
            for (int k : chunksWithPair.remove(best)) {
                int[] before = words.get(k);
                int[] after = mergePair(before, left, right, id);
                if (after == before) continue; // a stale entry: an earlier merge already consumed the pair here
                count(before, -counts[k], k, pairCounts, null);
                count(after, counts[k], k, pairCounts, chunksWithPair);
                words.set(k, after);
            }
        }
        return new BpeTokenizer(merges);
    }

    /**
     * The ids of {@code text}, chunk by chunk, each distinct chunk encoded once. A lone surrogate (a Java
     * string can hold one; it is no character) is encoded as U+FFFD, as JavaScript's TextEncoder does.
     */
    @Override
    public int[] encode(String text) {
        return ByteLevel.encodeChunks(ByteLevel.CHUNK, text, cache, this::encodeChunk);
    }

    /**
     * Replays the merges in the order they were learned: always the earliest-learned pair present first
     * (the loop {@link RankedBpe} runs on OpenAI's rank tables too).
     */
    private int[] encodeChunk(String chunk) {
        return pairMerges.apply(byteIds(chunk));
    }

    /** A chunk's UTF-8 bytes as token ids 0..255. */
    private static int[] byteIds(String chunk) {
        byte[] bytes = ByteLevel.utf8(chunk);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) ids[i] = bytes[i] & 0xFF;
        return ids;
    }

    /**
     * The text the ids stand for. Ids that end in the middle of a multi-byte character (a model can
     * generate those) decode to U+FFFD for the incomplete part.
     */
    @Override
    public String decode(int[] ids) {
        return new String(bytes(ids), StandardCharsets.UTF_8);
    }

    /** The raw UTF-8 bytes of a token sequence. */
    public byte[] bytes(int[] ids) {
        return ByteLevel.join(tokenBytes, ids, id -> Tokenizer.requireId(id, vocabSize()));
    }

    @Override
    public int vocabSize() {
        return tokenBytes.length;
    }

    /** A token's text; bytes that are not (yet) a whole UTF-8 character show as {@code <0xE2>}. */
    @Override
    public String token(int id) {
        Tokenizer.requireId(id, vocabSize());
        return ByteLevel.display(tokenBytes[id]);
    }

    public List<Merge> merges() {
        return merges;
    }

    /** A tokenizer that knows only the first {@code count} merges: what training had learned by then. */
    public BpeTokenizer truncated(int count) {
        if (count < 0 || count > merges.size())
            throw new IllegalArgumentException("count must be 0.." + merges.size() + ", got " + count);
        return new BpeTokenizer(merges.subList(0, count));
    }

    /**
     * Writes a HuggingFace tokenizer.json (byte-level BPE) that the {@code tokenizers} library, and
     * DJL's HuggingFaceTokenizer, load and encode with exactly as this class does.
     */
    public Path saveTokenizerJson(Path file) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < vocabSize(); id++) vocab.put(ByteLevel.toChars(tokenBytes[id]), id);
        JsonArray mergeStrings = new JsonArray();
        for (Merge m : merges)
            mergeStrings.add(ByteLevel.toChars(tokenBytes[m.left()]) + " " + ByteLevel.toChars(tokenBytes[m.right()]));
        JsonObject byteLevel = new JsonObject();
        byteLevel.addProperty("type", "ByteLevel");
        byteLevel.addProperty("add_prefix_space", false);
        byteLevel.addProperty("trim_offsets", true);
        byteLevel.addProperty("use_regex", true);
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", null);
        model.add("unk_token", null);
        model.add("continuing_subword_prefix", null);
        model.add("end_of_word_suffix", null);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.add("vocab", new Gson().toJsonTree(vocab));
        model.add("merges", mergeStrings);
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        root.add("added_tokens", new JsonArray());
        root.add("normalizer", null);
        root.add("pre_tokenizer", byteLevel);
        root.add("post_processor", null);
        root.add("decoder", byteLevel.deepCopy());
        root.add("model", model);
        return AtomicFiles.write(
                file,
                new GsonBuilder()
                        .serializeNulls()
                        .setPrettyPrinting()
                        .disableHtmlEscaping()
                        .create()
                        .toJson(root));
    }

    /** Reads a byte-level BPE tokenizer.json written by {@link #saveTokenizerJson}. */
    public static BpeTokenizer load(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no tokenizer file at " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            JsonObject model = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("model");
            if (model == null || !"BPE".equals(model.get("type").getAsString()))
                throw new JsonParseException("no BPE model");
            JsonObject vocab = model.getAsJsonObject("vocab");
            List<Merge> merges = new ArrayList<>();
            for (JsonElement e : model.getAsJsonArray("merges")) {
                String[] parts = e.getAsString().split(" ", -1);
                if (parts.length != 2)
                    throw new JsonParseException("merge '" + e.getAsString() + "' is not two tokens");
                int left = vocab.get(parts[0]).getAsInt(),
                        right = vocab.get(parts[1]).getAsInt();
                int id = vocab.get(parts[0] + parts[1]).getAsInt();
                merges.add(new Merge(left, right, id, 0));
            }
            BpeTokenizer loaded = new BpeTokenizer(merges);
            for (int b = 0; b < 256; b++) {
                if (vocab.get(ByteLevel.toChars(new byte[] {(byte) b})).getAsInt() != b)
                    throw new JsonParseException("byte " + b + " has another id");
            }
            return loaded;
        } catch (
                RuntimeException
                        e) { // JsonParseException, IllegalStateException, NullPointerException from missing keys
            throw new IllegalArgumentException(
                    file + " is not a byte-level BPE tokenizer.json written by this course: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "BpeTokenizer: " + vocabSize() + " tokens (256 bytes + " + merges.size() + " merges)";
    }

    /** Adds {@code weight} to the count of every adjacent pair in {@code ids}; records where pairs occur. */
    private static void count(
            int[] ids, long weight, int chunk, Map<Long, Long> pairCounts, Map<Long, Set<Integer>> where) {
        for (int i = 0; i + 1 < ids.length; i++) {
            long p = pair(ids[i], ids[i + 1]);
            if (pairCounts.merge(p, weight, Long::sum) == 0) pairCounts.remove(p);
            if (where != null) where.computeIfAbsent(p, x -> new HashSet<>()).add(chunk);
        }
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int[] mergePair(int[] ids, int left, int right, int id) {
        int[] out = null;
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            if (i + 1 < ids.length && ids[i] == left && ids[i + 1] == right) {
                if (out == null) {
                    out = new int[ids.length - 1];
                    System.arraycopy(ids, 0, out, 0, i);
                    n = i;
                }
                out[n++] = id;
                i++;
            } else if (out != null) {
                out[n++] = ids[i];
            }
        }
        return out == null ? ids : Arrays.copyOf(out, n);
    }
}
