package fasttrack.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DevilsDictionaryTest {

    private static final String TEXT = """
            ABASEMENT, n.  A decent and customary mental attitude in the presence
            of wealth of power.

            ABDICATION, n.  An act whereby a sovereign attests his sense of the
            high temperature of the throne.

                Poor Isabella's Dead, whose abdication
                Set all tongues wagging in the Spanish nation.

                For that performance 'twere unfair to scold her:
                She wisely left a throne too hot to hold her.
                                                                      G.J.

            ABRACADABRA.

                By _Abracadabra_ we signify
                    An infinite number of things.

            BABE or BABY, n.  A misshapen creature of no particular age, sex, or
            condition.

            PRECEDENT, n.  In Law, a previous decision, rule or practice.

            PRECEDENT, n.  In Law, a previous decision, rule or practice.

            TZETZE (or TSETSE) FLY, n.  An African insect.
            """;

    private static List<String> headwords(List<DevilsDictionary.Entry> entries) {
        return entries.stream().map(DevilsDictionary.Entry::headword).toList();
    }

    @Test
    void headingsStartEntriesAndVerseStaysInside() {
        List<DevilsDictionary.Entry> entries = DevilsDictionary.entries(TEXT);
        assertEquals(
                List.of("ABASEMENT", "ABDICATION", "BABE or BABY", "PRECEDENT", "TZETZE (or TSETSE) FLY"),
                headwords(entries),
                "a verse with a blank line and a heading without a part of speech (ABRACADABRA.) do not start entries; PRECEDENT printed twice counts once");
        assertEquals(
                "ABASEMENT, n.  A decent and customary mental attitude in the presence\nof wealth of power.",
                entries.get(0).text());
        String abdication = entries.get(1).text();
        assertTrue(abdication.contains("She wisely left a throne") && abdication.contains("G.J."), abdication);
        assertTrue(
                abdication.contains("An infinite number of things."),
                "ABRACADABRA. stays in the entry before it: " + abdication);
        assertEquals("n.", entries.get(2).partOfSpeech());
        assertTrue(entries.get(2).text().endsWith("condition."), entries.get(2).text());
    }

    @Test
    void textWithoutHeadingsIsRefused() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> DevilsDictionary.entries("Nothing here but prose.\n\n    And a verse.\n"));
        assertTrue(e.getMessage().contains("no dictionary entries found"), e.getMessage());
    }

    @Test
    void theWholeDictionaryHas985EntriesAndEveryWordNetQueryNamesOne() {
        List<DevilsDictionary.Entry> entries = DevilsDictionary.entries();
        assertEquals(985, entries.size());
        assertEquals("ABASEMENT", entries.get(0).headword());
        assertEquals("ZOOLOGY", entries.get(entries.size() - 1).headword());
        assertEquals(
                entries.size(),
                entries.stream().map(DevilsDictionary.Entry::text).distinct().count());
        Set<String> headwords =
                entries.stream().map(DevilsDictionary.Entry::headword).collect(Collectors.toSet());
        List<DevilsDictionary.Definition> definitions = DevilsDictionary.wordNetDefinitions();
        assertEquals(915, definitions.size());
        for (DevilsDictionary.Definition d : definitions) {
            assertTrue(headwords.contains(d.headword()), d.headword() + " names no entry");
            assertTrue(
                    !d.definition().isBlank()
                            && Set.of("noun", "verb", "adj", "adv").contains(d.wordNetPos()),
                    d.toString());
        }
    }
}
