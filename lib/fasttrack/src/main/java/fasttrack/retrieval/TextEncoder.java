package fasttrack.retrieval;

/** Turns a text into a fixed-length vector; the name says which model, so cached vectors can be told apart. */
public interface TextEncoder {

    String name();

    int dimension();

    float[] encode(String text);
}
