package fasttrack.serve;

import java.util.List;

/**
 * Watches a generation's text for its stop sequences, token by token. Text that could still be the
 * start of a stop sequence is held back until it is known not to be one, so a streamed client never
 * receives part of a stop sequence (OpenAI's API does not return the stop text), and a stop sequence
 * split over several tokens is found all the same. Without stop sequences every token's text passes
 * straight through.
 */
final class StopSequences {

    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopSequences(List<String> stops) {
        for (String s : stops) if (s.isEmpty()) throw new IllegalArgumentException("a stop sequence cannot be empty");
        this.stops = stops;
    }

    /** Adds a token's text; returns the text that may now be sent (possibly empty). After a stop sequence, {@link #stopped()} is true. */
    String accept(String text) {
        if (stopped) throw new IllegalStateException("the generation has already stopped");
        if (stops.isEmpty()) return text;
        held.append(text);
        int first = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0) {
            stopped = true;
            String out = held.substring(0, first);
            held.setLength(0);
            return out;
        }
        String h = held.toString();
        int keep = 0; // the longest end of the held text that begins a stop sequence
        for (String s : stops) {
            for (int n = Math.min(s.length() - 1, h.length()); n > keep; n--) {
                if (h.regionMatches(h.length() - n, s, 0, n)) {
                    keep = n;
                    break;
                }
            }
        }
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** Whether a stop sequence has appeared. */
    boolean stopped() {
        return stopped;
    }

    /** The text still held back, once the generation ends for another reason (its length): it was not a stop sequence after all. */
    String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }
}
