/**
 * Notebook 06, word vectors: a word vocabulary, skip-gram with negative sampling and frequent-word subsampling trained
 * here, and nearest neighbours and analogies over the learned vectors.
 */
package fasttrack.embed;
