package fasttrack.book;

/**
 * A heading of a page, as the contents page links to it.
 *
 * @param level 1 for the notebook's title, 2 for its sections
 * @param id    the anchor on the page ({@code page.html#id})
 * @param text  plain text (math as its TeX source), for the page title and link text in plain contexts
 * @param html  the same text as HTML: escaped, math in {@code <span class="math">}
 */
record Heading(int level, String id, String text, String html) {}
