package fasttrack.book;

import java.text.Normalizer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Heading ids for one page, readable in a link ({@code #2-the-kv-cache}) and unique on the page: the
 * same heading twice (two "Check yourself" sections) gets {@code -2}, {@code -3} after the first. One
 * instance per page, shared by all its markdown cells, since the ids of different cells must not collide.
 */
final class Anchors {

    private final Set<String> used = new HashSet<>();

    /** A new id from a heading's plain text: lower case, letters and digits, words joined by '-'. */
    String next(String headingText) {
        String base = slug(headingText);
        String id = base;
        for (int n = 2; !used.add(id); n++) id = base + "-" + n;
        return id;
    }

    static String slug(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFKD);
        StringBuilder out = new StringBuilder();
        boolean dash = false;
        for (int i = 0; i < decomposed.length(); ) {
            int c = decomposed.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isLetterOrDigit(c) && c < 128) {
                if (dash && out.length() > 0) out.append('-');
                dash = false;
                out.append(Character.toString(c).toLowerCase(Locale.ROOT));
            } else if (Character.isWhitespace(c) || c == '-' || c == '_' || c == '.' || c == '\u00B7') {
                dash = true;
            }
        }
        return out.length() == 0 ? "section" : out.toString();
    }
}
