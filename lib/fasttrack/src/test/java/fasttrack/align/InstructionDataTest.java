package fasttrack.align;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fasttrack.text.CharTokenizer;
import fasttrack.text.DevilsDictionary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Instructions and preference pairs: what is refused and why, and the data made from the course's texts. */
class InstructionDataTest {

    @Test
    void anEmptyOrBlankResponseIsRefusedWithTheReason() {
        for (String response : new String[] {"", "   ", null}) {
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> new InstructionExample("define", "define cat", response),
                    "\"" + response + "\"");
            assertTrue(e.getMessage().contains("define cat") && e.getMessage().contains("is empty"), e.getMessage());
        }
        var prompt = assertThrows(IllegalArgumentException.class, () -> new InstructionExample("define", " ", "a cat"));
        assertTrue(prompt.getMessage().contains("needs a prompt"), prompt.getMessage());
    }

    @Test
    void aResponseContainingTheStopMarkerIsRefused() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new InstructionExample("define", "define cat", "a small\nfeline"));
        assertTrue(e.getMessage().contains("stop marker") && e.getMessage().contains("one line"), e.getMessage());
        assertEquals("a small feline", new InstructionExample("define", "define cat", "a small feline").response());
    }

    @Test
    void aPairWithIdenticalAnswersIsRefused() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new PreferencePair("define", "define cat", "a feline", "a feline"));
        assertTrue(
                e.getMessage().contains("identical") && e.getMessage().contains("which answer is better"),
                e.getMessage());
        // Each answer gets an instruction's checks.
        var stop = assertThrows(
                IllegalArgumentException.class,
                () -> new PreferencePair("define", "define cat", "a feline", "a dog\n"));
        assertTrue(stop.getMessage().contains("stop marker"), stop.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PreferencePair("define", "define cat", " ", "a dog"));
    }

    @Test
    void aPairEncodesBothAnswersWithTheSamePrompt() {
        PreferencePair pair = new PreferencePair("define", "define cat", "a feline", "a dog");
        CharTokenizer tokenizer = CharTokenizer.fit("Q: define cat\nA: a feline dog");
        PreferencePair.Encoded encoded = pair.encode(tokenizer, 64);
        assertEquals("a feline\n", tokenizer.decode(encoded.chosen().response()));
        assertEquals("a dog\n", tokenizer.decode(encoded.rejected().response()));
        assertEquals("Q: define cat\nA: ", tokenizer.decode(encoded.chosen().prompt()));
        assertEquals(encoded.chosen().promptLength(), encoded.rejected().promptLength());
    }

    @Test
    void aVerseIsSplitAtTheWordBoundaryNearestItsMiddle() {
        String verse =
                "In the beginning God created the heaven and the earth."; // 54 characters, middle 27: spaces at 20 and
        // 28
        List<InstructionExample> out = InstructionSets.continuations(List.of("  " + verse + "\n"), 200);
        assertEquals(1, out.size());
        InstructionExample e = out.get(0);
        assertEquals("continue", e.task());
        assertEquals("continue: In the beginning God created", e.prompt());
        assertEquals("the heaven and the earth.", e.response());
        assertEquals(
                verse,
                e.prompt().substring("continue: ".length()) + " " + e.response(),
                "prompt and response together are the verse");
        // A nearer boundary on the left wins: middle 13, spaces at 11 and 22.
        InstructionExample left = InstructionSets.continuations(List.of("aaaaaaaaaaa bbbbbbbbbb cccc"), 200)
                .get(0);
        assertEquals("continue: aaaaaaaaaaa", left.prompt());
        assertEquals("bbbbbbbbbb cccc", left.response());
        // A tie (middle 13, spaces at 9 and 17) goes to the left.
        InstructionExample tie = InstructionSets.continuations(List.of("aaaaaaaaa bbbbbbb cccccc dd"), 200)
                .get(0);
        assertEquals("continue: aaaaaaaaa", tie.prompt());
        assertEquals("bbbbbbb cccccc dd", tie.response());
    }

    @Test
    void versesTooShortTooLongOrWithoutASpaceAreSkipped() {
        List<String> verses =
                List.of("Jesus wept.", "x".repeat(30), "And God said, Let there be light: and there was light.");
        assertEquals(
                0,
                InstructionSets.continuations(verses, 40).size(),
                "only the last is long enough, and it is over 40 characters");
        List<InstructionExample> kept = InstructionSets.continuations(verses, 100);
        assertEquals(1, kept.size());
        assertEquals(
                "And God said, Let there be light: and there was light.",
                kept.get(0).prompt().substring(10) + " " + kept.get(0).response());
    }

    @Test
    void aDefinitionIsTheFirstSentenceOfTheEntry() {
        List<DevilsDictionary.Entry> entries = List.of(
                new DevilsDictionary.Entry(
                        "ABASEMENT",
                        "n.",
                        "ABASEMENT, n.  A decent and customary mental attitude in the presence of\nwealth or power. Peculiarly appropriate in an employee when addressing\nan employer."),
                new DevilsDictionary.Entry(
                        "ABSENT",
                        "adj.",
                        "ABSENT, adj.  Peculiarly exposed to the tooth of detraction; vilified;\nhopelessly in the wrong."),
                new DevilsDictionary.Entry("BABE or BABY", "n.", "BABE or BABY, n.  A misshapen creature."));
        List<InstructionExample> out = InstructionSets.definitions(entries, 200);
        assertEquals(3, out.size());
        assertEquals("define", out.get(0).task());
        assertEquals("define abasement", out.get(0).prompt());
        assertEquals(
                "A decent and customary mental attitude in the presence of wealth or power.",
                out.get(0).response(),
                "the first sentence, line breaks folded into spaces");
        assertEquals("define absent", out.get(1).prompt());
        assertEquals(
                "Peculiarly exposed to the tooth of detraction; vilified; hopelessly in the wrong.",
                out.get(1).response(),
                "a one-sentence entry is taken whole");
        assertEquals("define babe or baby", out.get(2).prompt());
        assertEquals("A misshapen creature.", out.get(2).response());
        // A first sentence longer than maxChars is skipped.
        List<InstructionExample> short_ = InstructionSets.definitions(entries, 30);
        assertEquals(1, short_.size());
        assertEquals("define babe or baby", short_.get(0).prompt());
    }
}
