/**
 * Notebook 05, text as tokens: the course's corpora (the KJV, the Devil's Dictionary), character and
 * byte-level BPE tokenizers trained here, verses, train/validation splits, and the export to Hugging
 * Face's tokenizer format that checks them against an outside implementation.
 */
package fasttrack.text;
