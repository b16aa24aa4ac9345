/**
 * Notebook support: Q&A study notes recorded from notebook cells into one Markdown file per notebook
 * (locked, atomic writes; a hand-edited file that no longer parses is never overwritten), with checks that
 * rerun, search, a quiz, and export to Markdown or an Anki deck.
 */
package fasttrack.notes;
