package fasttrack.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class VersesTest {

    @Test
    void theKjvHas31102VersesAndTheNewTestamentStartsAtMatthew() {
        Verses verses = Verses.kjv();
        assertEquals(31_102, verses.lines().size());
        assertEquals(
                "In the beginning God created the heaven and the earth.",
                verses.lines().get(0));
        assertTrue(verses.lines().get(23_145).startsWith("The book of the generation of Jesus Christ"));
        int[] testament = verses.testament();
        assertEquals(0, testament[23_144], "Malachi 4:6 is the last Old Testament verse");
        assertEquals(1, testament[23_145]);
        assertEquals(7_957, Arrays.stream(testament).sum(), "New Testament verses");
        assertEquals(23_145, testament.length - Arrays.stream(testament).sum(), "Old Testament verses");
        assertEquals("New Testament", Verses.TESTAMENTS.get(testament[31_101]));
    }

    @Test
    void anotherTextIsRejectedWithWhatWasFound() {
        var e = assertThrows(
                IllegalStateException.class, () -> Verses.of(new Corpus("short.txt", "one verse\nanother\n")));
        assertTrue(
                e.getMessage().contains("is not the course's KJV")
                        && e.getMessage().contains("found 2 lines"),
                e.getMessage());
    }
}
