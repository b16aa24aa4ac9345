package fasttrack.text;

import java.util.Arrays;
import java.util.List;

/**
 * The King James Bible as labelled examples: one verse per line, each labelled with its testament
 * (0 Old, 1 New). A text classification task whose labels come with the corpus: no annotation, and
 * a known answer to check a classifier against.
 */
public final class Verses {

    /** Label names, by label: 0 the Old Testament, 1 the New. */
    public static final List<String> TESTAMENTS = List.of("Old Testament", "New Testament");

    /** Verses in the KJV, and the index of the first verse of the New Testament (Matthew 1:1). */
    static final int KJV_VERSES = 31_102, NEW_TESTAMENT = 23_145;

    static final String MATTHEW_1_1 =
            "The book of the generation of Jesus Christ, the son of David, the son of Abraham.";

    private final List<String> lines;

    private Verses(List<String> lines) {
        this.lines = lines;
    }

    /** The course's KJV corpus, checked to be the expected text: 31,102 verses, Matthew 1:1 at line 23,145. */
    public static Verses kjv() {
        return of(Corpus.kjv());
    }

    /** The verses of {@code corpus}, which must be the KJV with one verse per line. */
    static Verses of(Corpus corpus) {
        List<String> lines = corpus.text().lines().toList();
        if (lines.size() != KJV_VERSES || !lines.get(NEW_TESTAMENT).equals(MATTHEW_1_1)) {
            String found = lines.size() > NEW_TESTAMENT ? "\"" + lines.get(NEW_TESTAMENT) + "\"" : "nothing";
            throw new IllegalStateException(
                    "the corpus " + corpus.name() + " is not the course's KJV: expected " + KJV_VERSES
                            + " verses with Matthew 1:1 at line " + NEW_TESTAMENT + ", found " + lines.size()
                            + " lines and " + found
                            + " there. Restore it with 'git checkout -- data/corpus' or rebuild it with lib/bin/make-kjv-corpus");
        }
        return new Verses(lines);
    }

    /** The verses, in Bible order. */
    public List<String> lines() {
        return lines;
    }

    /** Each verse's testament, 0 (Old) or 1 (New); a fresh array. */
    public int[] testament() {
        int[] labels = new int[lines.size()];
        Arrays.fill(labels, NEW_TESTAMENT, labels.length, 1);
        return labels;
    }

    @Override
    public String toString() {
        return lines.size() + " verses: " + NEW_TESTAMENT + " Old Testament, " + (lines.size() - NEW_TESTAMENT)
                + " New Testament";
    }
}
