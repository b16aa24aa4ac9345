package fasttrack.scale;

/**
 * Ring all-reduce (as in Baidu's and NCCL's data-parallel training), simulated in one process: p
 * workers in a ring each hold a buffer of the same length, split into p chunks. In p − 1
 * reduce-scatter steps every worker passes one chunk to its right-hand neighbour, which adds it to
 * its own; afterwards worker i holds the full sum of chunk i + 1. In p − 1 all-gather steps the
 * finished chunks travel once more round the ring. Each worker sends 2(p − 1)/p of a buffer, however
 * many workers there are: why the ring scales where sending everything to one server does not.
 */
public final class AllReduce {

    private AllReduce() {}

    /**
     * Replaces every worker's buffer by the element-wise mean over workers, by ring all-reduce; returns
     * the elements each worker sent.
     */
    public static long ringMean(float[][] buffers) {
        int p = buffers.length;
        if (p == 0) throw new IllegalArgumentException("all-reduce needs at least one worker");
        int n = buffers[0].length;
        for (int w = 1; w < p; w++) {
            if (buffers[w].length != n)
                throw new IllegalArgumentException("worker " + w + " holds " + buffers[w].length
                        + " values, worker 0 holds " + n + ": every replica must have the same parameters");
        }
        long sent = 0;
        // reduce-scatter: at step s worker w sends chunk (w − s) mod p, its neighbour adds it in
        for (int s = 0; s < p - 1; s++) {
            float[][] messages = new float[p][];
            for (int w = 0; w < p; w++) messages[w] = chunk(buffers[w], Math.floorMod(w - s, p), p); // all send at once
            for (int w = 0; w < p; w++) {
                int from = Math.floorMod(w - 1, p), c = Math.floorMod(from - s, p);
                int start = start(n, p, c);
                for (int i = 0; i < messages[from].length; i++) buffers[w][start + i] += messages[from][i];
            }
            sent += messages[0].length;
        }
        // all-gather: worker w now owns the sum of chunk (w + 1) mod p; pass finished chunks on
        for (int s = 0; s < p - 1; s++) {
            float[][] messages = new float[p][];
            for (int w = 0; w < p; w++) messages[w] = chunk(buffers[w], Math.floorMod(w + 1 - s, p), p);
            for (int w = 0; w < p; w++) {
                int from = Math.floorMod(w - 1, p), c = Math.floorMod(from + 1 - s, p);
                System.arraycopy(messages[from], 0, buffers[w], start(n, p, c), messages[from].length);
            }
            sent += messages[0].length;
        }
        for (float[] buffer : buffers) for (int i = 0; i < n; i++) buffer[i] /= p;
        return sent;
    }

    private static float[] chunk(float[] buffer, int c, int p) {
        int from = start(buffer.length, p, c), to = start(buffer.length, p, c + 1);
        return java.util.Arrays.copyOfRange(buffer, from, to);
    }

    /** Chunk c of p spans [start(c), start(c + 1)): sizes differ by at most one. */
    private static int start(int n, int p, int c) {
        return (int) ((long) n * c / p);
    }
}
