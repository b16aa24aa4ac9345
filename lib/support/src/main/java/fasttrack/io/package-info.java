/**
 * Files written whole or not at all ({@link fasttrack.io.AtomicFiles}) and the course's one checksummed
 * tensor format for checkpoints and adapters ({@link fasttrack.io.TensorFile}).
 */
package fasttrack.io;
