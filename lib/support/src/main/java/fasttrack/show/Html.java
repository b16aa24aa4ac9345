package fasttrack.show;

import java.util.LinkedHashMap;
import java.util.Map;

/** A piece of HTML with a plain-text fallback, for results richer than a string. */
public record Html(String html, String text) implements Displayable {

    public Html {
        if (html == null || text == null) throw new IllegalArgumentException("html and text must not be null");
    }

    public static Html of(String html, String text) {
        return new Html(html, text);
    }

    /** Escapes text for safe inclusion in HTML (content or attribute values). */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public Map<String, String> mimeBundle() {
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/html", html);
        bundle.put("text/plain", text);
        return bundle;
    }

    @Override
    public String toString() {
        return text;
    }
}
