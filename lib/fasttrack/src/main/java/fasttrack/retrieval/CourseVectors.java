package fasttrack.retrieval;

import fasttrack.runtime.Course;
import fasttrack.text.DevilsDictionary;
import fasttrack.text.Verses;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The course's collections encoded by a sentence encoder, cached under {@code data/vectors/} (ignored
 * by git). They are built when first needed, not by setup: encoding all 33,002 texts with MiniLM takes
 * minutes on two cores, and a learner opening notebook 00 should not wait for notebook 14. So the first
 * run of notebook 14 encodes them, with a live progress bar; afterwards a notebook reads them in a
 * second. A changed corpus or another encoder makes {@link VectorCache} rebuild the file.
 */
public final class CourseVectors {

    private CourseVectors() {}

    /** One vector per KJV verse, in Bible order. */
    public static float[][] kjvVerses(TextEncoder encoder, PrintStream log) {
        return cached("kjv-verses", encoder, Verses.kjv().lines(), log);
    }

    /** One vector per Devil's Dictionary entry (headword and text), in dictionary order. */
    public static float[][] devilsDictionary(TextEncoder encoder, PrintStream log) {
        return cached(
                "devils-dictionary",
                encoder,
                DevilsDictionary.entries().stream()
                        .map(DevilsDictionary.Entry::text)
                        .toList(),
                log);
    }

    /** One vector per WordNet definition of a Devil's Dictionary headword: the evaluation queries. */
    public static float[][] wordNetDefinitions(TextEncoder encoder, PrintStream log) {
        return cached(
                "devils-dictionary-wordnet",
                encoder,
                DevilsDictionary.wordNetDefinitions().stream()
                        .map(DevilsDictionary.Definition::definition)
                        .toList(),
                log);
    }

    public static Path file(String collection, TextEncoder encoder) {
        return Course.data("vectors", collection + "." + encoder.name() + ".vec");
    }

    private static float[][] cached(String collection, TextEncoder encoder, List<String> texts, PrintStream log) {
        return VectorCache.loadOrBuild(file(collection, encoder), encoder, texts, log);
    }

    /**
     * Builds whatever is missing or stale; quiet when everything is cached. {@code lib/bin/test} runs it
     * before the notebooks, so notebook 14's time is the notebook's, not the encoding's.
     */
    public static void main(String[] args) {
        try (MiniLmEncoder encoder = new MiniLmEncoder()) {
            devilsDictionary(encoder, System.out);
            wordNetDefinitions(encoder, System.out);
            kjvVerses(encoder, System.out);
        }
    }
}
