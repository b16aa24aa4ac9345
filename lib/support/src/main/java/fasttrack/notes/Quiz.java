package fasttrack.notes;

import fasttrack.show.Displayable;
import fasttrack.show.Html;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Questions first, answers behind a click, and checks re-run now: a notebook's notes as a self-test. */
public record Quiz(String notebook, List<Item> items) implements Displayable {

    /** @param rerun null when no check was registered in this session, else whether it passed just now */
    public record Item(Note note, String check, Boolean rerun) {}

    public Quiz {
        items = List.copyOf(items);
    }

    @Override
    public Map<String, String> mimeBundle() {
        StringBuilder html = new StringBuilder("<div class=\"fasttrack-quiz\"><h4>Quiz: ")
                .append(Html.escape(notebook))
                .append(" (")
                .append(items.size())
                .append(" questions; click one to see its answer)</h4><ol>");
        for (Item item : items) {
            html.append("<li><details><summary>")
                    .append(Html.escape(item.note().question()))
                    .append("</summary><p>")
                    .append(Html.escape(item.note().answer()).replace("\n", "<br>"))
                    .append("</p>");
            if (item.rerun() != null) {
                html.append("<p>")
                        .append(item.rerun() ? "\u2713 " : "\u2717 ")
                        .append(Html.escape(item.check()))
                        .append("</p>");
            } else if (item.note().status() != Note.CheckStatus.NONE) {
                // The lambda lives only in the session that ran the cell; say what the file remembers.
                html.append("<p>")
                        .append(Html.escape(Notes.checkText(item.note())))
                        .append(" <i>(as last recorded; run its cell to check again)</i></p>");
            }
            html.append("</details></li>");
        }
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/html", html.append("</ol></div>").toString());
        bundle.put("text/plain", toString());
        return bundle;
    }

    /** Questions only: answers stay hidden in plain text. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Quiz: " + notebook + "\n");
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            text.append(i + 1).append(". ").append(item.note().question());
            if (item.rerun() != null)
                text.append("   [check ")
                        .append(item.rerun() ? "passed" : "FAILED")
                        .append("]");
            text.append("\n");
        }
        return text.toString();
    }

    public long checksPassed() {
        return items.stream().filter(i -> Boolean.TRUE.equals(i.rerun())).count();
    }
}
