package fasttrack.align;

import fasttrack.text.DevilsDictionary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Instruction data made from text the course already has, no labels written by hand:
 * "define WORD" answered by the first sentence of Bierce's entry in The Devil's Dictionary, and
 * "continue: first half of a verse" answered by its second half.
 */
public final class InstructionSets {

    private InstructionSets() {}

    /** One "define" example per entry whose first sentence has at most {@code maxChars} characters. */
    public static List<InstructionExample> definitions(List<DevilsDictionary.Entry> entries, int maxChars) {
        List<InstructionExample> out = new ArrayList<>();
        for (DevilsDictionary.Entry e : entries) {
            String body = e.text()
                    .substring(e.text().indexOf(e.partOfSpeech())
                            + e.partOfSpeech().length())
                    .replaceAll("\\s+", " ")
                    .strip();
            int end = body.indexOf(". ");
            String sentence = end < 0 ? body : body.substring(0, end + 1);
            if (sentence.length() < 8 || sentence.length() > maxChars) continue;
            out.add(new InstructionExample("define", "define " + e.headword().toLowerCase(Locale.ROOT), sentence));
        }
        return out;
    }

    /**
     * One "continue" example per verse of at most {@code maxChars} characters: the prompt is the verse
     * up to the word boundary nearest its middle, the response the rest.
     */
    public static List<InstructionExample> continuations(List<String> verses, int maxChars) {
        List<InstructionExample> out = new ArrayList<>();
        for (String verse : verses) {
            String v = verse.strip();
            if (v.length() > maxChars || v.length() < 20) continue;
            int middle = v.length() / 2, left = v.lastIndexOf(' ', middle), right = v.indexOf(' ', middle);
            int cut = left < 0 ? right : right < 0 ? left : (middle - left <= right - middle ? left : right);
            if (cut <= 0 || cut >= v.length() - 1) continue;
            out.add(new InstructionExample("continue", "continue: " + v.substring(0, cut), v.substring(cut + 1)));
        }
        return out;
    }
}
