/**
 * The course as a browsable book: {@link fasttrack.book.Book} renders the executed notebooks into a
 * static HTML site (contents page, previous/next links, outputs and plots inline, math typeset by the
 * MathJax copied into it) that opens offline.
 * {@code lib/bin/book} runs it over what {@code lib/bin/test} executed.
 */
package fasttrack.book;
