package fasttrack.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultCorpusIsTheKingJamesBible() {
        Corpus kjv = Corpus.kjv();
        assertEquals(4_137_850, kjv.length());
        assertEquals(63, kjv.text().chars().distinct().count(), "62 characters + newline, verse references stripped");
        assertTrue(kjv.text().startsWith("In the beginning God created the heaven and the earth.\n"));
    }

    @Test
    void theFinetuningCorpusIsTheWholeDevilsDictionary() {
        Corpus devil = Corpus.devilsDictionary();
        assertEquals(380_585, devil.length());
        assertTrue(devil.text().startsWith("ABASEMENT, n.  A decent and customary mental attitude"));
        assertTrue(devil.text().endsWith("the domestic cow sheds its horn every two years.\n"));
        assertTrue(devil.text().indexOf('{') < 0, "dictd cross-reference braces removed");
    }

    @Test
    void splitsAreDeterministicContiguousAndComplete() {
        Corpus c = new Corpus("t", "abcdefghij");
        Corpus.Split s = c.split(0.8);
        assertEquals("abcdefgh", s.train());
        assertEquals("ij", s.validation());
        assertEquals(s, c.split(0.8));
        Corpus.Split emoji = new Corpus("e", "a\uD83D\uDE42b").split(0.5); // the cut would fall inside the emoji
        assertEquals("a\uD83D\uDE42b", emoji.train() + emoji.validation());
        assertTrue(!Character.isLowSurrogate(emoji.validation().charAt(0)));
        assertThrows(IllegalArgumentException.class, () -> c.split(1.0));
        assertThrows(IllegalArgumentException.class, () -> c.split(0));
    }

    @Test
    void readsUtf8AndGzipAndDropsAByteOrderMark() throws Exception {
        Path plain = Files.writeString(dir.resolve("a.txt"), "\uFEFFhéllo 🙂");
        assertEquals("héllo 🙂", Corpus.fromFile(plain).text());
        Path gz = dir.resolve("b.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("compressed".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("compressed", Corpus.fromFile(gz).text());
    }

    @Test
    void badFilesGetErrorsThatSayWhatToDo() throws Exception {
        var missing = assertThrows(IllegalArgumentException.class, () -> Corpus.fromFile(dir.resolve("nope.txt")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        Path empty = Files.writeString(dir.resolve("empty.txt"), "  \n");
        var blank = assertThrows(IllegalArgumentException.class, () -> Corpus.fromFile(empty));
        assertTrue(blank.getMessage().contains("is empty"), blank.getMessage());
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
        var notUtf8 = assertThrows(IllegalArgumentException.class, () -> Corpus.fromFile(latin1));
        assertTrue(
                notUtf8.getMessage().contains("not valid UTF-8")
                        && notUtf8.getMessage().contains("iconv"),
                notUtf8.getMessage());
    }
}
