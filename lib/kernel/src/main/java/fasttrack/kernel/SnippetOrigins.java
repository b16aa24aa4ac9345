package fasttrack.kernel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each snippet came from, so that a stack frame can name the line of the cell the learner typed.
 *
 * <p>JShell reports a frame in snippet code as file {@code "#12"} (the snippet's id) and a line
 * counted from the snippet's first line; a cell holds several snippets (a method, then statements),
 * so that line alone says little. Remembering on which cell line each snippet began turns it back
 * into "line 3 of this cell", also for a method a later cell calls.
 */
final class SnippetOrigins {

    private record Origin(int cell, int firstLine, List<String> lines) {}

    private final Map<String, Origin> byId = new HashMap<>();
    private int cell;

    /** A new cell begins: origins recorded before it belong to "an earlier cell". */
    void startCell() {
        cell++;
    }

    /** Snippet {@code id}, with this source, begins on line {@code firstLine} (from 1) of the current cell. */
    void record(String id, String source, int firstLine) {
        byId.put(id, new Origin(cell, firstLine, source.lines().toList()));
    }

    /**
     * "at line 3 of this cell, in fail: throw new IllegalStateException();" for a frame in snippet code,
     * null for any other frame.
     */
    String describe(StackTraceElement frame) {
        String file = frame.getFileName();
        if (file == null || !file.startsWith("#")) return null;
        String method = frame.getMethodName().isEmpty()
                ? ""
                : ", in " + (frame.getClassName().isEmpty() ? "" : frame.getClassName() + ".") + frame.getMethodName();
        Origin origin = byId.get(file.substring(1));
        int line = frame.getLineNumber();
        if (origin == null || line < 1 || line > origin.lines().size()) {
            return "at line " + line + " of snippet " + file + method; // not from a cell (cannot happen in practice)
        }
        String where = origin.cell() == cell ? "this cell" : "an earlier cell";
        return "at line " + (origin.firstLine() + line - 1) + " of " + where + method + ": "
                + origin.lines().get(line - 1).strip();
    }
}
