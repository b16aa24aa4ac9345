/**
 * Notebook 04's small training loops, apart from the GPT trainer in {@code fasttrack.train}: a
 * point classifier (a small tanh network on 2-D points) and its training loop, RMSprop, and the
 * {@link fasttrack.basics.LossCurve} these loops (and skip-gram's) return.
 */
package fasttrack.basics;
