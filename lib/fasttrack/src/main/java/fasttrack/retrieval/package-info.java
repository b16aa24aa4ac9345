/**
 * Notebook 14, retrieval-augmented generation: BM25 written as Lucene computes it, Lucene itself as the
 * reference, the all-MiniLM-L6-v2 sentence encoder, vectors cached against their model and documents,
 * exact and HNSW vector search, ranking metrics, reciprocal rank fusion, and a hand-written induction
 * head that copies from a retrieved passage.
 */
package fasttrack.retrieval;
