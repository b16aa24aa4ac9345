package fasttrack.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of a corpus (lower-cased letter runs) that occur at least {@code minCount} times,
 * most frequent first; rarer words are dropped, as word2vec does, since a handful of occurrences
 * cannot place a vector.
 */
public final class WordVocabulary {

    private static final Pattern WORD = Pattern.compile("\\p{L}+");

    private final String[] words;
    private final long[] counts;
    private final Map<String, Integer> ids = new HashMap<>();

    private WordVocabulary(String[] words, long[] counts) {
        this.words = words;
        this.counts = counts;
        for (int i = 0; i < words.length; i++) ids.put(words[i], i);
    }

    public static WordVocabulary build(String text, int minCount) {
        if (minCount < 1) throw new IllegalArgumentException("minCount must be at least 1, got " + minCount);
        Map<String, Long> counts = new HashMap<>();
        for (String w : words(text)) counts.merge(w, 1L, Long::sum);
        List<Map.Entry<String, Long>> kept = new ArrayList<>(
                counts.entrySet().stream().filter(e -> e.getValue() >= minCount).toList());
        if (kept.size() < 2) {
            throw new IllegalArgumentException("only " + kept.size() + " distinct words occur at least " + minCount
                    + " times: give more text or a lower minCount");
        }
        kept.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return new WordVocabulary(
                kept.stream().map(Map.Entry::getKey).toArray(String[]::new),
                kept.stream().mapToLong(Map.Entry::getValue).toArray());
    }

    /** The text's words, lower-cased, in order. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) out.add(m.group().toLowerCase(Locale.ROOT));
        return out;
    }

    /** The ids of the text's words that are in the vocabulary, in order (others are skipped). */
    public int[] encode(String text) {
        return words(text).stream().filter(ids::containsKey).mapToInt(ids::get).toArray();
    }

    public int size() {
        return words.length;
    }

    public boolean contains(String word) {
        return ids.containsKey(word.toLowerCase(Locale.ROOT));
    }

    /** @throws IllegalArgumentException for a word not in the vocabulary, suggesting why */
    public int id(String word) {
        Integer id = ids.get(word.toLowerCase(Locale.ROOT));
        if (id == null) {
            throw new IllegalArgumentException("'" + word + "' is not in the vocabulary (" + words.length
                    + " words seen often enough); it is rarer than the minimum count or absent from the corpus");
        }
        return id;
    }

    public String word(int id) {
        return words[id];
    }

    public long count(int id) {
        return counts[id];
    }

    public long[] counts() {
        return counts.clone();
    }

    public List<String> words() {
        return Arrays.asList(words.clone());
    }

    @Override
    public String toString() {
        return "WordVocabulary: " + words.length + " words, most frequent: "
                + String.join(", ", Arrays.copyOf(words, Math.min(8, words.length)));
    }
}
