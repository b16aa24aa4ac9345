package fasttrack.retrieval;

import java.util.List;

/** A retrieved document (its index in the collection) and the score that ranked it. */
public record Hit(int document, double score) {

    /** The documents of {@code hits}, in rank order. */
    public static List<Integer> documents(List<Hit> hits) {
        return hits.stream().map(Hit::document).toList();
    }
}
