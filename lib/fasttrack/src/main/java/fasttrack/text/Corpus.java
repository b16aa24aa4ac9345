package fasttrack.text;

import fasttrack.runtime.Course;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A text to learn from: the course's default, the King James Bible (public domain, from Debian's
 * bible-kjv package; see data/README.md), the finetuning text (The Devil's Dictionary), or any UTF-8
 * text file (optionally .gz) a learner has.
 */
public record Corpus(String name, String text) {

    /** The default corpus's file, under the course's data folder. */
    public static final String KJV = "corpus/kjv.txt.gz";

    public Corpus {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the corpus '" + name + "' is empty: there is nothing to learn from."
                    + " Give a text file with some content (a few hundred KB or more trains a small model well)");
        }
    }

    /** Notebook 12's finetuning text, under the course's data folder. */
    public static final String DEVILS_DICTIONARY = "corpus/devils-dictionary.txt.gz";

    public static final String DEVILS_DICTIONARY_WORDNET = "corpus/devils-dictionary-wordnet.tsv.gz";

    /** The King James Bible, 4.1 M characters, one verse per line. */
    public static Corpus kjv() {
        return bundled(KJV, "lib/bin/make-kjv-corpus");
    }

    /**
     * Ambrose Bierce's The Devil's Dictionary (1911, public domain, from Debian's dict-devil
     * package), 380,585 characters: satirical definitions in a style far from the KJV's.
     */
    public static Corpus devilsDictionary() {
        return bundled(DEVILS_DICTIONARY, "lib/bin/make-devil-corpus");
    }

    /** WordNet 3.0's definitions of The Devil's Dictionary's headwords, as TSV (read by {@link DevilsDictionary}). */
    static Corpus devilsDictionaryWordNet() {
        return bundled(DEVILS_DICTIONARY_WORDNET, "lib/bin/make-devil-queries");
    }

    private static Corpus bundled(String name, String rebuild) {
        Path file = Course.data(name);
        if (!Files.exists(file)) {
            throw new IllegalStateException("the corpus " + file + " is missing: it is committed with the course;"
                    + " restore it with 'git checkout -- data/corpus' or rebuild it with " + rebuild);
        }
        return fromFile(file);
    }

    /**
     * Reads a UTF-8 text file (gzip-compressed if its name ends in .gz).
     *
     * @throws IllegalArgumentException if the file is missing, empty or not valid UTF-8, saying what to do
     */
    public static Corpus fromFile(Path file) {
        byte[] bytes;
        try (InputStream in = open(file)) {
            bytes = in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    "no such file: " + file.toAbsolutePath()
                            + ". Check the path (relative paths start from the notebooks/ folder)",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return new Corpus(file.getFileName().toString(), decodeUtf8(file, bytes));
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
    }

    private static String decodeUtf8(Path file, byte[] bytes) {
        CharsetDecoder strict = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            String text = strict.decode(buffer).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte-order mark is not text
        } catch (MalformedInputException e) {
            throw new IllegalArgumentException(
                    file.getFileName() + " is not valid UTF-8 (byte offset " + buffer.position()
                            + "). Convert it first, e.g. iconv -f latin1 -t utf-8 in > out",
                    e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file.getFileName() + " is not valid UTF-8: " + e, e);
        }
    }

    public int length() {
        return text.length();
    }

    /**
     * A deterministic split: the first {@code trainFraction} of the text trains, the rest validates.
     * Contiguous rather than shuffled, so validation text is text the model has never seen nearby
     * (for the Bible: the last books).
     */
    public Split split(double trainFraction) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException(
                    "trainFraction must be between 0 and 1 (exclusive), got " + trainFraction);
        }
        int cut = (int) Math.round(text.length() * trainFraction);
        if (cut == 0 || cut == text.length())
            throw new IllegalArgumentException("the corpus is too short to split at " + trainFraction);
        if (Character.isLowSurrogate(text.charAt(cut))) cut++; // never split a character in two
        return new Split(text.substring(0, cut), text.substring(cut));
    }

    /** Training and validation text. */
    public record Split(String train, String validation) {}

    @Override
    public String toString() {
        return "Corpus " + name + ": " + text.length() + " characters";
    }
}
