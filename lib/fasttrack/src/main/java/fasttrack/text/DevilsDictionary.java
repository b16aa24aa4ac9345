package fasttrack.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Devil's Dictionary as documents (one per entry) and, for retrieval evaluation, WordNet's plain
 * definitions of its headwords as queries: a query says what a word means, the relevant document is
 * what Bierce says about it. Nobody on the course wrote these labels.
 */
public final class DevilsDictionary {

    /** An entry: its headword as printed ("BABE or BABY"), Bierce's part of speech ("n."), and its whole text. */
    public record Entry(String headword, String partOfSpeech, String text) {}

    /** A headword's first WordNet sense ("noun", "a low or downcast state"). */
    public record Definition(String headword, String wordNetPos, String definition) {}

    /**
     * A heading line: uppercase headword (variants "BABE or BABY", "TZETZE (or TSETSE) FLY"), a comma,
     * a part of speech. lib/bin/make-devil-queries parses headings with the same pattern, so the
     * headwords match. The dozen entries printed without a part of speech (ABRACADABRA., the letter
     * X, ...) stay inside the entry before them.
     */
    static final Pattern HEADING =
            Pattern.compile("^([A-Z][A-Z' -]*[A-Z](?: \\(or [A-Z]+\\) [A-Z]+|(?:,? or |, )[A-Z]+)?),?\\s*"
                    + "(n\\.pl\\.|n\\.|v\\.t\\.|v\\.i\\.|v\\.|adj\\.|adv\\.|pp\\.|p\\.p\\.|pron?\\.|x\\.)(?:\\s|$)");

    private DevilsDictionary() {}

    /** Every entry, in dictionary order; an entry printed twice word for word (PRECEDENT, PRECIPITATE) counts once. */
    public static List<Entry> entries() {
        return entries(Corpus.devilsDictionary().text());
    }

    static List<Entry> entries(String text) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        String headword = null, pos = null;
        StringBuilder body = new StringBuilder();
        for (String line : (text + "\n").lines().toList()) {
            Matcher heading = HEADING.matcher(line);
            if (heading.find()) {
                if (headword != null) add(entries, headword, pos, body);
                headword = heading.group(1);
                pos = heading.group(2);
                body.setLength(0);
            }
            if (headword != null) body.append(line).append('\n');
        }
        if (headword != null) add(entries, headword, pos, body);
        if (entries.isEmpty())
            throw new IllegalArgumentException(
                    "no dictionary entries found (a heading looks like \"ABASEMENT, n.  A decent ...\")");
        return List.copyOf(entries.values());
    }

    private static void add(Map<String, Entry> entries, String headword, String pos, StringBuilder body) {
        String text = body.toString().strip();
        entries.putIfAbsent(text, new Entry(headword, pos, text));
    }

    /** WordNet's definition of each headword it knows (915 of 985), in dictionary order. */
    public static List<Definition> wordNetDefinitions() {
        List<Definition> definitions = new ArrayList<>();
        for (String line : Corpus.devilsDictionaryWordNet().text().lines().toList()) {
            String[] fields = line.split("\t");
            if (fields.length != 3) {
                throw new IllegalStateException(
                        "a malformed line in " + Corpus.DEVILS_DICTIONARY_WORDNET + ": \"" + line
                                + "\". Restore it with 'git checkout -- data/corpus' or rebuild it with lib/bin/make-devil-queries");
            }
            definitions.add(new Definition(fields[0], fields[1], fields[2]));
        }
        return definitions;
    }
}
