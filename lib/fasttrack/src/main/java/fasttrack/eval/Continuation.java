package fasttrack.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * A generation task with a right answer: give a model the first half of a held-out line and compare
 * what it writes with the true second half, by BLEU and ROUGE. The line is cut at the space nearest
 * its middle, so {@code prompt + " " + reference} is the line (stripped of surrounding whitespace);
 * the prompt ends at a word's end and the continuation begins with that space.
 * <p>
 * Word overlap is a rough judge of open-ended text (many good continuations share no words with the
 * reference), but it orders models that are far apart, and it is the same measure used for
 * translation and summaries.
 *
 * @param prompt    the line's first half, up to the space nearest its middle
 * @param reference the rest of the line after that space
 */
public record Continuation(String prompt, String reference) {

    /** How many items {@link Scores#examples()} keeps for display. */
    public static final int EXAMPLES = 3;

    public Continuation {
        if (prompt == null || prompt.isEmpty() || reference == null || reference.isEmpty()) {
            throw new IllegalArgumentException("a continuation needs a non-empty prompt and reference");
        }
    }

    /** The whole line: prompt, space, reference. */
    public String line() {
        return prompt + " " + reference;
    }

    /**
     * Picks {@code count} of the {@code lines} that have at least {@code minLength} characters once
     * stripped (and a space to cut at), in an order shuffled by {@code seed}, and cuts each at the
     * space nearest its middle (the earlier one on a tie).
     *
     * @throws IllegalArgumentException if fewer than {@code count} lines qualify
     */
    public static List<Continuation> of(List<String> lines, int minLength, int count, long seed) {
        if (lines == null) throw new IllegalArgumentException("lines must not be null");
        if (minLength < 3)
            throw new IllegalArgumentException("minLength must be >= 3 (a word, a space, a word), got " + minLength);
        if (count < 1) throw new IllegalArgumentException("count must be >= 1, got " + count);
        List<Continuation> eligible = new ArrayList<>();
        for (String line : lines) {
            String text = line == null ? "" : line.strip();
            int cut = text.length() >= minLength ? middleSpace(text) : -1;
            if (cut > 0) eligible.add(new Continuation(text.substring(0, cut), text.substring(cut + 1)));
        }
        if (eligible.size() < count) {
            throw new IllegalArgumentException("only " + eligible.size() + " of " + lines.size() + " lines have "
                    + minLength + " characters or more and a space inside: ask for fewer items or lower minLength");
        }
        Collections.shuffle(eligible, new Random(seed));
        return List.copyOf(eligible.subList(0, count));
    }

    /** The index of the space nearest the middle with text on both sides, or −1 if there is none. */
    static int middleSpace(String text) {
        int middle = text.length() / 2;
        for (int d = 0; d <= middle + 1; d++) {
            for (int i : new int[] {middle - d, middle + d}) {
                if (i > 0
                        && i < text.length() - 1
                        && text.charAt(i) == ' '
                        && text.charAt(i - 1) != ' '
                        && text.charAt(i + 1) != ' ') return i;
            }
        }
        return -1;
    }

    /** The first line of generated text: a model that runs on past the line's end is cut there. */
    public static String firstLine(String generated) {
        if (generated == null) throw new IllegalArgumentException("generated text must not be null");
        int end = generated.indexOf('\n');
        return end < 0 ? generated : generated.substring(0, end);
    }

    /** One item as shown: what the model saw, what was true, what it wrote. */
    public record Example(String prompt, String reference, String hypothesis) {}

    /**
     * Scores of one model on the task.
     *
     * @param bleu     corpus BLEU-4 over all items, smoothed with {@link Bleu.Smoothing#ADD_EPSILON}
     * @param rouge1   mean ROUGE-1 F1 over the items
     * @param rouge2   mean ROUGE-2 F1
     * @param rougeL   mean ROUGE-L F1
     * @param examples the first {@link #EXAMPLES} items with their hypotheses
     */
    public record Scores(Bleu.Result bleu, double rouge1, double rouge2, double rougeL, List<Example> examples) {
        public Scores {
            examples = List.copyOf(examples);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "BLEU %.4f  ROUGE-1 %.4f  ROUGE-2 %.4f  ROUGE-L %.4f",
                    bleu.score(),
                    rouge1,
                    rouge2,
                    rougeL);
        }
    }

    /**
     * Runs {@code continueText} on every prompt and scores what it returns (the continuation alone,
     * without the prompt) against the references. Texts are split into words by
     * {@link Rouge#tokenize} for both metrics. The split is near the middle, so generating about
     * {@code prompt.length()} characters and keeping the {@link #firstLine} matches the reference's
     * length, which BLEU's brevity penalty and ROUGE's recall reward.
     */
    public static Scores score(List<Continuation> items, Function<String, String> continueText) {
        if (items == null || items.isEmpty())
            throw new IllegalArgumentException("give at least one continuation to score");
        if (continueText == null) throw new IllegalArgumentException("continueText must not be null");
        List<List<String>> hypotheses = new ArrayList<>();
        List<List<List<String>>> references = new ArrayList<>();
        List<Example> examples = new ArrayList<>();
        double rouge1 = 0, rouge2 = 0, rougeL = 0;
        for (Continuation item : items) {
            String hypothesis = continueText.apply(item.prompt());
            if (hypothesis == null)
                throw new IllegalArgumentException(
                        "continueText returned null for '" + item.prompt() + "': return \"\" for nothing");
            List<String> h = Rouge.tokenize(hypothesis), r = Rouge.tokenize(item.reference());
            hypotheses.add(h);
            references.add(List.of(r));
            rouge1 += Rouge.rougeN(1, r, h).f1();
            rouge2 += Rouge.rougeN(2, r, h).f1();
            rougeL += Rouge.rougeL(r, h).f1();
            if (examples.size() < EXAMPLES) examples.add(new Example(item.prompt(), item.reference(), hypothesis));
        }
        Bleu.Result bleu = Bleu.corpus(hypotheses, references, Bleu.DEFAULT_MAX_ORDER, Bleu.Smoothing.ADD_EPSILON);
        int n = items.size();
        return new Scores(bleu, rouge1 / n, rouge2 / n, rougeL / n, examples);
    }
}
