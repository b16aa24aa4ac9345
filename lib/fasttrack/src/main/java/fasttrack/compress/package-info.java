/**
 * Notebook 15, smaller and faster models: int8 and int4 weight quantisation per row or group, saved with a
 * checksum, and magnitude pruning with the mask kept through a finetune.
 */
package fasttrack.compress;
