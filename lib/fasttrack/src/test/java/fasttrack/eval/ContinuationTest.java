package fasttrack.eval;

import static fasttrack.eval.EvalAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContinuationTest {

    private static final List<String> LINES = List.of(
            "In the beginning God created the heaven and the earth.",
            "short line",
            "  And God said, Let there be light: and there was light.  ",
            "And God saw the light, that it was good: and God divided the light from the darkness.",
            "Unbreakable_line_without_any_space_in_it_at_all_anywhere",
            "And God called the light Day, and the darkness he called Night.");

    @Test
    void theLineIsCutAtTheSpaceNearestItsMiddle() {
        // 54 characters, middle 27 = the space in "created the" (index 27): "In the beginning God created" + " " + "the
        // heaven..."
        assertEquals(
                new Continuation("In the beginning God created", "the heaven and the earth."),
                Continuation.of(List.of(LINES.get(0)), 20, 1, 0).get(0));
        // "ab cd ef": middle 4 is 'c'... spaces at 2 and 5, distance 2 and 1: the later one is nearer
        assertEquals(5, Continuation.middleSpace("ab cd ef"));
        // "ab cd": middle 2 is the space itself
        assertEquals(2, Continuation.middleSpace("ab cd"));
        // "a b c d": length 7, middle 3 is the space between b and c
        assertEquals(3, Continuation.middleSpace("a b c d"));
        // "ab c de": spaces at 2 and 4, middle 3: a tie, the earlier wins
        assertEquals(2, Continuation.middleSpace("ab c de"));
        assertEquals(-1, Continuation.middleSpace("abcdef"));
    }

    @Test
    void promptSpaceReferenceIsTheStrippedLine() {
        List<Continuation> items = Continuation.of(LINES, 20, 4, 1);
        assertEquals(4, items.size());
        for (Continuation c : items) {
            assertTrue(LINES.stream().map(String::strip).anyMatch(c.line()::equals), c.line());
            assertTrue(!c.prompt().endsWith(" ") && !c.reference().startsWith(" "));
        }
    }

    @Test
    void shortLinesAndLinesWithoutASpaceAreSkippedAndTheSeedPicksTheOrder() {
        List<String> all = Continuation.of(LINES, 20, 4, 1).stream()
                .map(Continuation::line)
                .toList();
        assertTrue(!all.contains("short line") && all.stream().noneMatch(l -> l.startsWith("Unbreakable")));
        assertEquals(
                all,
                Continuation.of(LINES, 20, 4, 1).stream()
                        .map(Continuation::line)
                        .toList(),
                "the same seed, the same items");
        Map<List<String>, Integer> orders = new HashMap<>();
        for (long seed = 0; seed < 20; seed++)
            orders.merge(
                    Continuation.of(LINES, 20, 4, seed).stream()
                            .map(Continuation::line)
                            .toList(),
                    1,
                    Integer::sum);
        assertTrue(orders.size() > 1, "different seeds should give different orders");
    }

    @Test
    void aPerfectContinuerScoresOneAndAnEmptyOneZero() {
        List<Continuation> items = Continuation.of(LINES, 20, 4, 3);
        Map<String, String> truth = new HashMap<>();
        items.forEach(c -> truth.put(c.prompt(), c.reference()));
        Continuation.Scores perfect = Continuation.score(items, truth::get);
        assertEquals(1, perfect.bleu().score(), 1e-12);
        assertEquals(1, perfect.rouge1(), 1e-12);
        assertEquals(1, perfect.rouge2(), 1e-12);
        assertEquals(1, perfect.rougeL(), 1e-12);
        assertEquals(Continuation.EXAMPLES, perfect.examples().size());
        assertEquals(items.get(0).reference(), perfect.examples().get(0).hypothesis());

        Continuation.Scores empty = Continuation.score(items, prompt -> "");
        assertEquals(0, empty.bleu().score());
        assertEquals(0, empty.rouge1() + empty.rouge2() + empty.rougeL());
    }

    @Test
    void scoresByHand() {
        // One item, reference "the heaven and the earth" (5 words); hypothesis "the earth and the sea" (5 words).
        // ROUGE-1: overlap the×2, and, earth = 4: P = R = F1 = 4/5.
        // ROUGE-2: reference bigrams: the heaven, heaven and, and the, the earth; hypothesis: the earth, earth and,
        //   and the, the sea. Shared: and the, the earth = 2 of 4: F1 = 1/2.
        // ROUGE-L: LCS "the and the" = 3: F1 = 3/5.
        // BLEU: p1 = 4/5, p2 = 2/4, p3: "and the sea" etc., 0 of 3 -> 0.1/3, p4: 0 of 2 -> 0.1/2; BP = 1 (c = r = 5).
        List<Continuation> items =
                List.of(new Continuation("In the beginning God created", "the heaven and the earth."));
        Continuation.Scores s =
                Continuation.score(items, prompt -> Continuation.firstLine(" the earth and the sea\nAnd more"));
        assertEquals(0.8, s.rouge1(), 1e-12);
        assertEquals(0.5, s.rouge2(), 1e-12);
        assertEquals(0.6, s.rougeL(), 1e-12);
        assertEquals(Math.pow(0.8 * 0.5 * (0.1 / 3) * (0.1 / 2), 0.25), s.bleu().score(), 1e-12);
    }

    @Test
    void firstLineCutsAtTheFirstNewline() {
        assertEquals(" and the earth.", Continuation.firstLine(" and the earth.\nAnd the"));
        assertEquals("no newline", Continuation.firstLine("no newline"));
        assertEquals("", Continuation.firstLine("\nstarts with one"));
    }

    @Test
    void badInputsSayWhatIsWrong() {
        assertMessage("only 4 of 6 lines have 20 characters or more", () -> Continuation.of(LINES, 20, 5, 0));
        assertMessage("count must be >= 1", () -> Continuation.of(LINES, 20, 0, 0));
        assertMessage("minLength must be >= 3", () -> Continuation.of(LINES, 2, 1, 0));
        assertMessage("at least one continuation", () -> Continuation.score(List.of(), p -> p));
        List<Continuation> items = Continuation.of(LINES, 20, 1, 0);
        assertMessage("continueText returned null", () -> Continuation.score(items, p -> null));
        assertMessage("non-empty prompt and reference", () -> new Continuation("", "x"));
    }
}
