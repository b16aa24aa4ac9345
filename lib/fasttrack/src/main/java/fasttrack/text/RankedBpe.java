package fasttrack.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Byte-level BPE given as a rank table, the form OpenAI publishes its tokenizers in (tiktoken): every token
 * is a byte sequence with a rank, and the rank is the token's id. The first ranks are the 256 single bytes
 * (in GPT-2's order, not byte order); a longer token's rank says when training learned it. Encoding is the
 * course's: cut the text into chunks with the encoding's pattern, turn each chunk into UTF-8 bytes, then
 * merge adjacent tokens, lowest rank first, while their concatenation is a token ({@link PairMerges}, the
 * loop {@link BpeTokenizer} replays its own merges with). As tiktoken does, a chunk that is a token as a
 * whole is that token.
 *
 * <p>{@link #openAi} loads GPT-2's (gpt2, r50k_base), GPT-3's (p50k_base), GPT-4's (cl100k_base) and
 * GPT-4o's (o200k_base) tables from the npm package js-tiktoken, which setup installs into lib/tiktoken;
 * {@link JsTiktoken} runs that package under node, and the tests check the ids here equal its ids on whole
 * books.
 *
 * <p><b>Special tokens.</b> {@link #encode(String)} encodes the text of a special token such as
 * {@code <|endoftext|>} as ordinary text (tiktoken's {@code encode_ordinary}): text from a user can never
 * smuggle in a control token. {@link #encode(String, Set)} turns the special tokens it is allowed into
 * their ids (tiktoken's {@code allowed_special}); the others stay text.
 *
 * <p><b>Text that is not Unicode.</b> A Java string can hold a lone surrogate (half of a UTF-16 pair, no
 * character). It is chunked as the single unknown code point it is, then encoded as U+FFFD (bytes EF BF BD),
 * as JavaScript's TextEncoder, and so js-tiktoken, does; decoding gives U+FFFD back.
 *
 * <p><b>The patterns.</b> The rank files hold JavaScript regular expressions, translated here to
 * java.util.regex ({@link #javaPattern}): {@code \p{L}}, {@code \p{N}}, {@code \p{Lu}} etc. mean the same
 * Unicode general categories in both; {@code \s} does not (JavaScript's includes U+FEFF and excludes U+0085;
 * Java's, with or without UNICODE_CHARACTER_CLASS, differs), so it is spelled out as JavaScript's set. The
 * categories come from each runtime's Unicode tables: Java 17 knows Unicode 13, a newer node newer versions,
 * so a character assigned since (a CJK ideograph of Extension H, say) is a letter to node and unassigned to
 * Java 17, and the two chunk it differently.
 */
public final class RankedBpe implements Tokenizer {

    /** The encodings js-tiktoken ships, by tiktoken's names. */
    public static final List<String> OPENAI_ENCODINGS =
            List.of("gpt2", "r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base");

    /** JavaScript's {@code \s}: ECMAScript's WhiteSpace (tab, VT, FF, space, NBSP, ZWNBSP, category Zs) and LineTerminator. */
    static final String JS_WHITESPACE =
            "\\t\\n\\x0B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";

    private final String name;
    private final String sourcePattern;
    private final Pattern pattern;
    private final byte[][] tokenBytes; // by id; null where an id is unused
    private final Map<String, Integer> rankOfBytes; // ordinary tokens: bytes (as an ISO-8859-1 string) -> rank
    private final int[] byteRank = new int[256];
    private final PairMerges pairMerges;
    private final Map<String, Integer> specialTokens;
    private final Map<String, int[]> cache; // null: every chunk encoded afresh (withoutCache)

    private RankedBpe(
            String name,
            String sourcePattern,
            Map<String, Integer> ranks,
            Map<String, Integer> specialTokens,
            Integer explicitVocabSize,
            String source) {
        this.name = name;
        this.sourcePattern = sourcePattern;
        this.pattern = javaPattern(sourcePattern);
        this.rankOfBytes = ranks;
        this.specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
        this.cache = new ConcurrentHashMap<>();
        int size = 0;
        for (int rank : ranks.values()) size = Math.max(size, rank + 1);
        for (int id : specialTokens.values()) size = Math.max(size, id + 1);
        if (explicitVocabSize != null && explicitVocabSize != size) {
            throw new IllegalArgumentException(source + " says it has " + explicitVocabSize
                    + " tokens, but its ranks and special tokens number " + size);
        }
        tokenBytes = new byte[size][];
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            if (tokenBytes[e.getValue()] != null)
                throw new IllegalArgumentException(source + " gives rank " + e.getValue() + " to two tokens");
            tokenBytes[e.getValue()] = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
        }
        for (Map.Entry<String, Integer> e : specialTokens.entrySet()) {
            if (e.getValue() < 0 || tokenBytes[e.getValue()] != null) {
                throw new IllegalArgumentException(source + ": special token " + e.getKey() + " has id " + e.getValue()
                        + ", which is negative or an ordinary token's");
            }
            tokenBytes[e.getValue()] = e.getKey().getBytes(StandardCharsets.UTF_8);
        }
        for (int b = 0; b < 256; b++) {
            Integer rank = ranks.get(String.valueOf((char) b));
            if (rank == null)
                throw new IllegalArgumentException(source + " has no token for the byte 0x" + Integer.toHexString(b)
                        + ": a byte-level BPE needs all 256");
            byteRank[b] = rank;
        }
        // Every way a token splits into two tokens is a pair that merges into it: the loop then merges exactly when
        // the concatenation of two adjacent tokens is a token, lowest rank first, as tiktoken's loop does.
        pairMerges = new PairMerges(ranks.size() * 3);
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            String bytes = e.getKey();
            for (int k = 1; k < bytes.length(); k++) {
                Integer left = ranks.get(bytes.substring(0, k)), right = ranks.get(bytes.substring(k));
                if (left != null && right != null) pairMerges.put(left, right, e.getValue());
            }
        }
    }

    /** The same tables with no chunk cache: for timing the encoder itself, as js-tiktoken (which caches nothing) runs. */
    private RankedBpe(RankedBpe cached) {
        name = cached.name;
        sourcePattern = cached.sourcePattern;
        pattern = cached.pattern;
        tokenBytes = cached.tokenBytes;
        rankOfBytes = cached.rankOfBytes;
        System.arraycopy(cached.byteRank, 0, byteRank, 0, 256);
        pairMerges = cached.pairMerges;
        specialTokens = cached.specialTokens;
        cache = null;
    }

    /**
     * This encoding without the chunk cache: every chunk is merged afresh, each time it occurs. Gives the
     * same ids; for measuring the merge loop itself (js-tiktoken caches nothing).
     */
    public RankedBpe withoutCache() {
        return cache == null ? this : new RankedBpe(this);
    }

    /**
     * One of OpenAI's encodings ({@link #OPENAI_ENCODINGS}: gpt2, cl100k_base, o200k_base, ...), read from
     * the js-tiktoken package setup installs (lib/tiktoken/node_modules).
     *
     * @throws IllegalArgumentException for an unknown name
     * @throws IllegalStateException    when the package is not installed, saying how to install it
     */
    public static RankedBpe openAi(String encoding) {
        return load(JsTiktoken.rankFile(encoding));
    }

    /**
     * Reads a js-tiktoken rank file ({@code dist/ranks/NAME.js} or {@code .cjs}): one JavaScript object
     * holding the pattern ({@code pat_str}), the special tokens, optionally the vocabulary size, and the
     * ranks ({@code bpe_ranks}: lines of "label first-rank token token ...", each token base64, ranks
     * counting up from the line's first).
     *
     * @throws IllegalArgumentException if the file is missing or not in that format, naming the file
     */
    public static RankedBpe load(Path rankFile) {
        String text;
        try {
            text = Files.readString(rankFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no rank file at " + rankFile.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + rankFile + ": " + e.getMessage(), e);
        }
        String name = rankFile.getFileName().toString().replaceFirst("\\.c?js$", "");
        String body = text.strip();
        if (body.startsWith("export default ")) body = body.substring("export default ".length());
        else if (body.startsWith("module.exports = ")) body = body.substring("module.exports = ".length());
        else throw notRankFile(rankFile, "it does not start with 'export default {' or 'module.exports = {'", null);
        if (body.endsWith(";")) body = body.substring(0, body.length() - 1);
        try {
            JsonObject root = JsonParser.parseString(body).getAsJsonObject();
            for (String key : List.of("pat_str", "special_tokens", "bpe_ranks")) {
                if (!root.has(key)) throw new JsonParseException("no \"" + key + "\"");
            }
            Map<String, Integer> ranks = new HashMap<>();
            for (String line : root.get("bpe_ranks").getAsString().split("\n")) {
                if (line.isEmpty()) continue;
                String[] fields = line.split(" ");
                if (fields.length < 2)
                    throw new JsonParseException("a bpe_ranks line without a first rank: '" + abbreviate(line) + "'");
                int first = Integer.parseInt(fields[1]);
                for (int i = 2; i < fields.length; i++) {
                    byte[] bytes = Base64.getDecoder().decode(fields[i]);
                    if (ranks.put(new String(bytes, StandardCharsets.ISO_8859_1), first + i - 2) != null) {
                        throw new JsonParseException("the token " + fields[i] + " (base64) appears twice");
                    }
                }
            }
            Map<String, Integer> special = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e :
                    root.getAsJsonObject("special_tokens").entrySet())
                special.put(e.getKey(), e.getValue().getAsInt());
            Integer explicit =
                    root.has("explicit_n_vocab") ? root.get("explicit_n_vocab").getAsInt() : null;
            return new RankedBpe(
                    name, root.get("pat_str").getAsString(), ranks, special, explicit, rankFile.toString());
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw notRankFile(rankFile, e.getMessage(), e); // IllegalArgumentException from Base64 too, below
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().contains(rankFile.toString())
                    ? e
                    : notRankFile(rankFile, e.getMessage(), e);
        }
    }

    private static IllegalArgumentException notRankFile(Path file, String why, Exception cause) {
        return new IllegalArgumentException(
                "cannot read " + file + " as a js-tiktoken rank file (the format of js-tiktoken's dist/ranks/*.js): "
                        + why,
                cause);
    }

    /** The encoding's name: the rank file's, without .js ("gpt2", "cl100k_base"). */
    public String name() {
        return name;
    }

    /** The chunk pattern as the rank file gives it: a JavaScript regular expression. */
    public String sourcePattern() {
        return sourcePattern;
    }

    /** The chunk pattern in java.util.regex: {@link #sourcePattern()} translated by {@link #javaPattern}. */
    public Pattern pattern() {
        return pattern;
    }

    /** The chunks merges never cross, in order: the text cut by {@link #pattern()}. */
    public List<String> chunks(String text) {
        return ByteLevel.chunks(pattern, text);
    }

    /** The special tokens (not produced by {@link #encode(String)}) and their ids, in the rank file's order. */
    public Map<String, Integer> specialTokens() {
        return specialTokens;
    }

    /** How many ordinary (mergeable) tokens: ids 0..n−1 except where the table has gaps. */
    public int ordinaryTokens() {
        return rankOfBytes.size();
    }

    /**
     * The ids of {@code text}, all of it as ordinary text: the text of a special token such as
     * {@code <|endoftext|>} is encoded like any other (tiktoken's {@code encode_ordinary}).
     */
    @Override
    public int[] encode(String text) {
        return ByteLevel.encodeChunks(pattern, text, cache, this::encodeChunk);
    }

    /**
     * The ids of {@code text}, where the special tokens named in {@code allowedSpecial} become their ids
     * (tiktoken's {@code encode(text, allowed_special=...)}); chunks never cross them. The text of a
     * special token not allowed is ordinary text.
     *
     * @throws IllegalArgumentException if {@code allowedSpecial} names a token that is not one of this encoding's special tokens
     */
    public int[] encode(String text, Set<String> allowedSpecial) {
        Set<String> unknown = new TreeSet<>(allowedSpecial);
        unknown.removeAll(specialTokens.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(unknown + " are not special tokens of " + name
                    + "; its special tokens are " + specialTokens.keySet());
        }
        if (allowedSpecial.isEmpty()) return encode(text);
        Pattern specials = Pattern.compile(specialTokens.keySet().stream()
                .filter(allowedSpecial::contains)
                .map(Pattern::quote)
                .collect(Collectors.joining("|")));
        List<int[]> pieces = new ArrayList<>();
        Matcher m = specials.matcher(text);
        int start = 0;
        while (m.find()) {
            pieces.add(encode(text.substring(start, m.start())));
            pieces.add(new int[] {specialTokens.get(m.group())});
            start = m.end();
        }
        pieces.add(encode(text.substring(start)));
        return pieces.stream().flatMapToInt(Arrays::stream).toArray();
    }

    /** A chunk as tiktoken encodes it: the token it is, if it is one; else its bytes merged, lowest rank first. */
    private int[] encodeChunk(String chunk) {
        byte[] bytes = ByteLevel.utf8(chunk);
        Integer whole = rankOfBytes.get(new String(bytes, StandardCharsets.ISO_8859_1));
        if (whole != null) return new int[] {whole};
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) ids[i] = byteRank[bytes[i] & 0xFF];
        return pairMerges.apply(ids);
    }

    /** The rank (= id) of the ordinary token with these bytes, or -1 if no token has them. */
    public int rank(byte[] bytes) {
        return rankOfBytes.getOrDefault(new String(bytes, StandardCharsets.ISO_8859_1), -1);
    }

    /** The raw bytes of a token sequence (a special token's are its text's). */
    public byte[] bytes(int[] ids) {
        return ByteLevel.join(tokenBytes, ids, this::requireToken);
    }

    /** The text the ids stand for; bytes that end mid-character decode to U+FFFD. */
    @Override
    public String decode(int[] ids) {
        return new String(bytes(ids), StandardCharsets.UTF_8);
    }

    /** One more than the largest id, special tokens included (some ids below it may be unused: cl100k_base's 100256, say). */
    @Override
    public int vocabSize() {
        return tokenBytes.length;
    }

    /** A token's text; bytes that are not a whole UTF-8 character show as {@code <0xE2>}. */
    @Override
    public String token(int id) {
        requireToken(id);
        return ByteLevel.display(tokenBytes[id]);
    }

    private void requireToken(int id) {
        Tokenizer.requireId(id, vocabSize());
        if (tokenBytes[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is unused in " + name + ": it has "
                    + rankOfBytes.size() + " ordinary tokens and the special tokens " + specialTokens.values());
        }
    }

    @Override
    public String toString() {
        return "RankedBpe " + name + ": " + rankOfBytes.size() + " ordinary tokens + " + specialTokens.size()
                + " special, ids 0.." + (vocabSize() - 1);
    }

    /**
     * A JavaScript regular expression (as tiktoken's patterns are written, with the {@code u} flag) in
     * java.util.regex with the same meaning. {@code \s} and {@code \S} are spelled out as JavaScript's
     * whitespace ({@link #JS_WHITESPACE}); {@code .}, {@code ^} and {@code $} get JavaScript's meaning
     * (no line flags); {@code [} and {@code &} inside a class are literal, as in JavaScript; Unicode
     * properties pass through when they are general categories ({@code \p{L}}, {@code \p{Lu}}, {@code \p{N}},
     * {@code \p{M}}...), which both engines read the same way.
     *
     * @throws IllegalArgumentException for what has no such translation ({@code \S} inside a class, a
     *                                  word boundary, a property that is not a general category)
     */
    static Pattern javaPattern(String js) {
        StringBuilder out = new StringBuilder(js.length() + 64);
        boolean inClass = false;
        for (int i = 0; i < js.length(); i++) {
            char c = js.charAt(i);
            if (c == '\\') {
                if (i + 1 >= js.length()) throw untranslatable(js, "it ends with a lone backslash");
                char e = js.charAt(++i);
                switch (e) {
                    case 's' -> out.append(inClass ? JS_WHITESPACE : "[" + JS_WHITESPACE + "]");
                    case 'S' -> {
                        if (inClass) throw untranslatable(js, "\\S inside a character class");
                        out.append("[^").append(JS_WHITESPACE).append(']');
                    }
                    case 'b', 'B' ->
                        throw untranslatable(
                                js, "word boundaries (\\b, \\B) follow \\w in JavaScript and Unicode rules in Java");
                    case 'p', 'P' -> {
                        int close = js.indexOf('}', i);
                        if (i + 1 >= js.length() || js.charAt(i + 1) != '{' || close < 0)
                            throw untranslatable(js, "\\" + e + " without {...}");
                        String property = js.substring(i + 2, close);
                        if (!property.matches("[A-Z][a-z]?")) {
                            throw untranslatable(
                                    js, "\\" + e + "{" + property + "} is not a general category such as L, Lu or N");
                        }
                        out.append('\\').append(e).append('{').append(property).append('}');
                        i = close;
                    }
                    default -> out.append('\\').append(e);
                }
            } else if (inClass) {
                if (c == ']') inClass = false;
                if (c == '[' || c == '&') out.append('\\'); // Java would read a nested class or an intersection
                out.append(c);
            } else {
                switch (c) {
                    case '[' -> {
                        inClass = true;
                        out.append(c);
                        if (i + 1 < js.length() && js.charAt(i + 1) == '^') out.append(js.charAt(++i));
                        if (i + 1 < js.length() && js.charAt(i + 1) == ']')
                            throw untranslatable(js, "an empty class []");
                    }
                    case '.' -> out.append("[^\\n\\r\\u2028\\u2029]");
                    case '^' -> out.append("\\A"); // JavaScript without the m flag: the start of the text
                    case '$' ->
                        out.append(
                                "(?![\\s\\S])"); // the end of the text (Java's $ also matches before a final newline)
                    default -> out.append(c);
                }
            }
        }
        if (inClass) throw untranslatable(js, "an unclosed [");
        try {
            return Pattern.compile(out.toString());
        } catch (PatternSyntaxException e) {
            throw untranslatable(js, "Java cannot compile its translation " + out + ": " + e.getDescription());
        }
    }

    private static IllegalArgumentException untranslatable(String js, String why) {
        return new IllegalArgumentException(
                "cannot translate the JavaScript pattern " + abbreviate(js) + " to java.util.regex: " + why);
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
