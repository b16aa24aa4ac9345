package fasttrack.kernel;

import java.util.List;

/** A cell that does not compile; carries javac's messages already located in the cell. */
final class CompilationException extends Exception {

    private final List<String> lines;

    CompilationException(List<String> lines) {
        super(lines.isEmpty() ? "the cell does not compile" : lines.get(0));
        this.lines = List.copyOf(lines);
    }

    List<String> lines() {
        return lines;
    }
}
